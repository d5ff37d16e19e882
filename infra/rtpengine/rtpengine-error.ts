/** Named errors of the rtpengine adapter, each with a stable `code` and the underlying `cause`. */

export const RTPENGINE_ERROR_CODES = [
  /** No reply within the timeout (server down, wrong address, UDP lost). */
  'RTPENGINE_TIMEOUT',
  /** rtpengine answered `result: error` (the reason is in the message). */
  'RTPENGINE_REFUSED',
  /** The reply did not have the expected shape. */
  'RTPENGINE_BAD_REPLY',
  /** Local socket or argument trouble. */
  'RTPENGINE_FAILED',
  /** No server configured, or none answers pings. */
  'RTPENGINE_UNAVAILABLE',
] as const;
export type RtpengineErrorCode = (typeof RTPENGINE_ERROR_CODES)[number];

export class RtpengineError extends Error {
  override readonly name = 'RtpengineError';
  readonly code: RtpengineErrorCode;
  /** `host:port` of the server the command went to, when there was one. */
  readonly server: string | undefined;

  constructor(code: RtpengineErrorCode, message: string, opts: { cause?: unknown; server?: string } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.code = code;
    this.server = opts.server;
  }
}
