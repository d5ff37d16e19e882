/**
 * Errors of the proxy core. Expected outcomes (a branch failed, nobody answered) are values, never
 * exceptions; these classes cover programming errors (an illegal state transition) and bad input
 * from the app (a destination that is not a SIP URI).
 */
export type ProxyErrorCode = 'illegal-transition' | 'bad-destination' | 'unroutable';

export class ProxyError extends Error {
  override readonly name: string = 'ProxyError';
  readonly code: ProxyErrorCode;

  constructor(code: ProxyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/** A state machine was asked for a move its transition table does not allow. */
export class IllegalTransitionError extends ProxyError {
  override readonly name = 'IllegalTransitionError';
  readonly machine: string;
  readonly from: string;
  readonly to: string;

  constructor(machine: string, from: string, to: string) {
    super('illegal-transition', `${machine}: illegal transition ${from} -> ${to}`);
    this.machine = machine;
    this.from = from;
    this.to = to;
  }
}
