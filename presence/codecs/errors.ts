/**
 * Errors and results of the presence document codecs. Parsing a body received from the network is
 * a trust boundary: bad input is an expected outcome, returned as a value carrying a
 * {@link PresenceDocumentError}, never thrown.
 */
export type PresenceDocumentErrorCode =
  | 'too-large' // the body exceeds the byte or element limits
  | 'too-deep' // elements nested deeper than the limit
  | 'malformed-xml' // not well-formed XML (or not UTF-8, or an undeclared prefix)
  | 'forbidden-dtd' // a DOCTYPE or entity declaration: refused outright (no XXE, no expansion)
  | 'not-pidf' // well-formed, but the root is not RFC 3863 <presence>
  | 'not-dialog-info' // well-formed, but the root is not RFC 4235 <dialog-info>
  | 'invalid-document'; // the right root, but a required part is missing or malformed

export class PresenceDocumentError extends Error {
  override readonly name = 'PresenceDocumentError';
  readonly code: PresenceDocumentErrorCode;

  constructor(code: PresenceDocumentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export type DocumentResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: PresenceDocumentError };

export function documentError<T>(
  code: PresenceDocumentErrorCode,
  message: string,
  cause?: unknown,
): DocumentResult<T> {
  return {
    ok: false,
    error: new PresenceDocumentError(code, message, cause === undefined ? undefined : { cause }),
  };
}

/** Limits applied before and while parsing. */
export interface ParseLimits {
  /** Largest accepted body in bytes (UTF-8). Default 65536. */
  readonly maxBytes?: number;
  /** Deepest element nesting. Default 32 (PIDF needs about 6). */
  readonly maxDepth?: number;
  /** Most elements in one document. Default 4096. */
  readonly maxElements?: number;
}

export const defaultParseLimits: Required<ParseLimits> = Object.freeze({
  maxBytes: 64 * 1024,
  maxDepth: 32,
  maxElements: 4096,
});
