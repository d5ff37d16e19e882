/**
 * Named errors of contact-center presence. Refused requests are SIP answers (values); these mark
 * programming errors and misuse.
 */
export type QueuePresenceErrorCode =
  | 'illegal-subscription-transition' // the subscription state machine was asked for a move it does not allow
  | 'illegal-publication-transition' // the publication state machine (RFC 3903) was asked for a move it does not allow
  | 'invalid-resources' // two resources claim one presence URI, or a service names an unknown queue
  | 'invalid-argument'; // a caller broke a documented precondition

export class QueuePresenceError extends Error {
  override readonly name = 'QueuePresenceError';
  readonly code: QueuePresenceErrorCode;

  constructor(code: QueuePresenceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
