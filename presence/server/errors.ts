/**
 * Named errors of the embedded presence server. Refused requests (412, 423, 489…) are values
 * (SipReply), never these; these mark programming errors and misuse.
 */
export type PresenceServerErrorCode =
  | 'illegal-publication-transition' // the publication state machine was asked for a move it does not allow
  | 'illegal-subscription-transition' // the subscription state machine was asked for a move it does not allow
  | 'invalid-server-config' // an option outside its range
  | 'invalid-argument' // a caller broke a documented precondition
  | 'server-closed'; // used after close()

export class PresenceServerError extends Error {
  override readonly name = 'PresenceServerError';
  readonly code: PresenceServerErrorCode;

  constructor(code: PresenceServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
