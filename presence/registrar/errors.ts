/** Named errors of the registrar (expected outcomes, such as a wrong password, are responses, not errors). */

export type RegistrarErrorCode =
  | 'illegal-transition' // a binding was asked to move in a way its state machine forbids (a bug)
  | 'store-failed' // the bindings could not be read or written (answered 500, RFC 3261 §10.3 step 7)
  | 'bad-options'; // the registrar was configured with impossible limits

export class RegistrarError extends Error {
  override readonly name = 'RegistrarError';
  readonly code: RegistrarErrorCode;

  constructor(code: RegistrarErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
