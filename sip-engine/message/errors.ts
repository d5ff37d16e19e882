/**
 * The one error class of the message layer. Every failure of parseMessage, parseUri and the header
 * codecs is a SipParseError with a stable `code`; nothing else is thrown for bad input.
 */
import type { SipMessage } from './sip-message.js';

export const SIP_PARSE_ERROR_CODES = [
  'bad-start-line',
  'unsupported-version',
  'bad-header',
  'missing-header',
  'too-large',
  'too-many-headers',
  'bad-content-length',
  'truncated',
  'bad-cseq',
  'bad-uri',
] as const;

export type SipParseErrorCode = (typeof SIP_PARSE_ERROR_CODES)[number];

export interface SipParseErrorOptions {
  /** Whatever could be salvaged: start line plus the headers that parsed (lets the engine answer 400). */
  partial?: SipMessage;
  /** Name of the header at fault, when one is. */
  header?: string;
  cause?: unknown;
}

export class SipParseError extends Error {
  override readonly name = 'SipParseError';
  readonly code: SipParseErrorCode;
  readonly partial: SipMessage | undefined;
  readonly header: string | undefined;

  constructor(code: SipParseErrorCode, message: string, opts: SipParseErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.partial = opts.partial;
    this.header = opts.header;
  }
}

export function isSipParseError(e: unknown): e is SipParseError {
  return e instanceof SipParseError;
}
