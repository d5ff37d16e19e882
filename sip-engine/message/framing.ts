/**
 * Message boundaries in raw bytes: CRLFs before the start line (RFC 3261 §7.5), the empty line that
 * ends the header section (§7), and Content-Length (§18.3, §20.14). Used by parseMessage and by the
 * transport layer's stream framer (see README.md "Stream framing").
 */
import { parseUnsigned, trimLws } from './chars.js';
import { SipParseError } from './errors.js';

const CR = 13;
const LF = 10;
const LF_CRLF = Buffer.from('\n\r\n', 'latin1');
const LF_LF = Buffer.from('\n\n', 'latin1');

/** Index of the first byte at or after `from` that is not CR or LF (RFC 3261 §7.5; RFC 5626 §3.5.1 pings). */
export function skipLeadingCrlf(buf: Buffer, from = 0): number {
  let i = from;
  while (i < buf.length && (buf[i] === CR || buf[i] === LF)) i++;
  return i;
}

export interface HeaderEnd {
  /** Index of the LF that ends the last header line (the header text is [start, textEnd)). */
  textEnd: number;
  /** Index of the first body byte, just after the empty line. */
  bodyStart: number;
}

/**
 * Finds the empty line ending the header section that begins at `start`: CRLF CRLF, or leniently
 * LF CRLF / LF LF (bare-LF senders). Undefined when it is not (yet) in the buffer.
 */
export function findHeaderEnd(buf: Buffer, start: number): HeaderEnd | undefined {
  const crlf = buf.indexOf(LF_CRLF, start);
  const region = crlf < 0 ? buf : buf.subarray(0, crlf + 1);
  const lflf = region.indexOf(LF_LF, start);
  if (lflf >= 0) return { textEnd: lflf, bodyStart: lflf + 2 };
  if (crlf >= 0) return { textEnd: crlf, bodyStart: crlf + 3 };
  return undefined;
}

/** Parses a Content-Length value (RFC 3261 §20.14: 1*DIGIT), or throws 'bad-content-length'. */
export function parseContentLength(value: string): number {
  const n = parseUnsigned(trimLws(value), 10);
  if (n === undefined || n > 0x7fffffff) {
    throw new SipParseError('bad-content-length', `bad Content-Length: ${value.slice(0, 100)}`, {
      header: 'Content-Length',
    });
  }
  return n;
}

function isContentLengthName(head: string, pos: number, colon: number): boolean {
  const name = trimLws(head.slice(pos, colon)).toLowerCase();
  return name === 'content-length' || name === 'l';
}

/**
 * The Content-Length of a header section given as text (any case, compact form `l`), undefined when
 * absent. Several lines with different values throw 'bad-content-length'.
 */
export function scanContentLength(head: string): number | undefined {
  let found: number | undefined;
  let pos = 0;
  while (pos < head.length) {
    const nl = head.indexOf('\n', pos);
    const end = nl < 0 ? head.length : nl;
    const c = head.charCodeAt(pos) | 0x20;
    if (c === 0x63 || c === 0x6c) {
      const colon = head.indexOf(':', pos);
      if (colon >= 0 && colon < end && isContentLengthName(head, pos, colon)) {
        const n = parseContentLength(head.slice(colon + 1, end));
        if (found !== undefined && found !== n) {
          throw new SipParseError('bad-content-length', 'conflicting Content-Length headers', {
            header: 'Content-Length',
          });
        }
        found = n;
      }
    }
    pos = end + 1;
  }
  return found;
}

export interface MessageFrame {
  /** First byte of the start line (CR/LF before it skipped, RFC 3261 §7.5). */
  start: number;
  /** First body byte (just after the empty line). */
  headerEnd: number;
  /** Content-Length, undefined when the header is absent. */
  contentLength: number | undefined;
  /** One past the last byte of the message: headerEnd + (contentLength ?? 0) (RFC 3261 §18.3). */
  end: number;
}

/**
 * Locates the next message in a stream buffer from `from`. Undefined while the header section is
 * incomplete (or the buffer holds only CRLFs); the message is complete once `buf.length >= end`.
 * Throws SipParseError 'bad-content-length' when the framing cannot be known (close the stream).
 */
export function findMessageEnd(buf: Buffer, from = 0): MessageFrame | undefined {
  const start = skipLeadingCrlf(buf, from);
  if (start >= buf.length) return undefined;
  const he = findHeaderEnd(buf, start);
  if (!he) return undefined;
  const contentLength = scanContentLength(buf.toString('latin1', start, he.textEnd));
  return { start, headerEnd: he.bodyStart, contentLength, end: he.bodyStart + (contentLength ?? 0) };
}
