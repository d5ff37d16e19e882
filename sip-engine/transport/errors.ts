/** Named errors of the transport layer; `code` is stable, `cause` carries the underlying error. */
import type { TransportErrorCode } from './types.js';

/** A send could not be done: no matching transport, connect failure, closed connection, too large. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A configured contact (`sip:127.0.0.1:5060;transport=udp`) is not usable. */
export class ContactParseError extends Error {
  override readonly name = 'ContactParseError';
  readonly code = 'bad-contact';
  readonly contact: string;

  constructor(contact: string, message: string, options?: { cause?: unknown }) {
    super(`${message} in contact '${contact}'`, options);
    this.contact = contact;
  }
}

/** Listening could not start (address in use, bad TLS material, ...). */
export class TransportStartError extends Error {
  override readonly name = 'TransportStartError';
  readonly code = 'start-failed';
}
