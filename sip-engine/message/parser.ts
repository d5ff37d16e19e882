/**
 * parseMessage: bytes → SipMessage (RFC 3261 §7, grammar §25), on the hot path of every inbound
 * message. One UTF-8 decode of the header section, one pass over its lines with indexOf, no regular
 * expressions. Failures are SipParseError with a stable code and, whenever the start line was
 * readable, `partial` (start line + the headers that parsed) so the engine can still answer 400.
 */
import { isLws, isTokenChar, trimLws } from './chars.js';
import { SipParseError } from './errors.js';
import type { SipParseErrorCode } from './errors.js';
import { findHeaderEnd, skipLeadingCrlf } from './framing.js';
import { checkMessage } from './message-checks.js';
import type { Problem } from './message-checks.js';
import { canonicalHeaderKey, HeaderLine, SipMessage } from './sip-message.js';
import { parseStartLine } from './start-line.js';
import type { ParseLimits, SipHeader } from './types.js';

export { SipParseError, isSipParseError } from './errors.js';
export type { SipParseErrorCode } from './errors.js';
export { findMessageEnd, findHeaderEnd, scanContentLength, skipLeadingCrlf } from './framing.js';
export type { MessageFrame } from './framing.js';

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxBytes: 65535,
  maxHeaders: 256,
  maxHeaderLineBytes: 8192,
  maxViaCount: 64,
});

interface Head {
  message: SipMessage;
  problem: Problem | undefined;
}

function fail(p: Problem, partial: SipMessage | undefined): SipParseError {
  const opts = partial ? { partial } : {};
  return new SipParseError(p.code, p.message, p.header === undefined ? opts : { ...opts, header: p.header });
}

function problem(code: SipParseErrorCode, message: string, header?: string): Problem {
  return header === undefined ? { code, message } : { code, message, header };
}

/** A header line "name: value": name is a token followed by optional white space (HCOLON, §25.1). */
function splitHeaderLine(line: string): SipHeader | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  let end = colon;
  while (end > 0 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  if (end === 0) return undefined;
  for (let i = 0; i < end; i++) if (!isTokenChar(line.charCodeAt(i))) return undefined;
  return new HeaderLine(end === line.length ? line : line.slice(0, end), trimLws(line.slice(colon + 1)));
}

interface HeadState {
  headers: SipHeader[];
  current: SipHeader | undefined;
  problem: Problem | undefined;
}

/**
 * One header line (without its line ending). A line starting with SP/HTAB continues the previous
 * value, folded to one SP (RFC 3261 §7.3.1). Returns false when parsing must stop.
 */
function addLine(st: HeadState, line: string, lim: Readonly<ParseLimits>): boolean {
  const cur = st.current;
  if (line.length > lim.maxHeaderLineBytes) {
    st.problem ??= problem('too-large', `header line longer than ${lim.maxHeaderLineBytes}`);
    st.current = undefined;
  } else if (isLws(line.charCodeAt(0))) {
    const more = trimLws(line);
    if (!cur) st.problem ??= problem('bad-header', 'continuation line without a header');
    else if (cur.value.length + more.length + cur.name.length + 3 > lim.maxHeaderLineBytes) {
      st.problem ??= problem(
        'too-large',
        `header ${cur.name} longer than ${lim.maxHeaderLineBytes}`,
        cur.name,
      );
      st.headers.pop();
      st.current = undefined;
    } else if (more) cur.value = cur.value ? `${cur.value} ${more}` : more;
  } else {
    st.current = splitHeaderLine(line);
    if (!st.current) st.problem ??= problem('bad-header', `bad header line: ${line.slice(0, 100)}`);
    else if (st.headers.length >= lim.maxHeaders) {
      st.problem ??= problem('too-many-headers', `more than ${lim.maxHeaders} header lines`);
      return false;
    } else st.headers.push(st.current);
  }
  return true;
}

/**
 * Parses the header section text: the start line, then every header line. Bad lines are skipped and
 * the first problem is reported, so the message built still serves as `partial`.
 */
function parseHead(head: string, lim: Readonly<ParseLimits>): Head {
  let nl = head.indexOf('\n');
  let lineEnd = nl < 0 ? head.length : nl;
  const sl = parseStartLine(
    head.slice(0, lineEnd > 0 && head.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd),
  );
  const st: HeadState = { headers: [], current: undefined, problem: undefined };
  if (sl.unsupportedVersion !== undefined) {
    st.problem = problem('unsupported-version', `unsupported SIP version ${sl.unsupportedVersion}`);
  }
  let pos = lineEnd + 1;
  while (pos < head.length) {
    nl = head.indexOf('\n', pos);
    lineEnd = nl < 0 ? head.length : nl;
    const e = lineEnd > pos && head.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    if (!addLine(st, head.slice(pos, e), lim)) break;
    pos = lineEnd + 1;
  }
  return { message: new SipMessage(sl.startLine, st.headers), problem: st.problem };
}

/** Best effort for an oversized datagram: the headers within the first maxBytes, for a 513 answer. */
function salvage(data: Buffer, lim: Readonly<ParseLimits>): SipMessage | undefined {
  try {
    const window = data.subarray(0, lim.maxBytes);
    const start = skipLeadingCrlf(window, 0);
    const he = findHeaderEnd(window, start);
    return parseHead(window.toString('utf8', start, he ? he.textEnd : window.length), lim).message;
  } catch {
    return undefined;
  }
}

/**
 * Parses one complete SIP message (a datagram, or a frame cut by findMessageEnd). The body is the
 * bytes after the empty line, cut to Content-Length when longer (RFC 3261 §18.3). Throws SipParseError.
 */
export function parseMessage(data: Buffer, limits?: Partial<ParseLimits>): SipMessage {
  const lim = limits ? { ...DEFAULT_PARSE_LIMITS, ...limits } : DEFAULT_PARSE_LIMITS;
  if (data.length > lim.maxBytes) {
    throw fail(
      problem('too-large', `message of ${data.length} bytes exceeds ${lim.maxBytes}`),
      salvage(data, lim),
    );
  }
  const start = skipLeadingCrlf(data, 0);
  if (start >= data.length) throw new SipParseError('truncated', 'empty message');
  const he = findHeaderEnd(data, start);
  if (!he) {
    let partial: SipMessage | undefined;
    try {
      partial = parseHead(data.toString('utf8', start), lim).message;
    } catch {
      partial = undefined;
    }
    throw fail(problem('truncated', 'no empty line after the header section'), partial);
  }
  const head = parseHead(data.toString('utf8', start, he.textEnd), lim);
  if (head.problem) throw fail(head.problem, head.message);
  const p = checkMessage(head.message, data, he.bodyStart, lim);
  if (p) throw fail(p, head.message);
  return head.message;
}

/** Exposed for the engine: the lower-case long name used for header comparisons. */
export { canonicalHeaderKey };
