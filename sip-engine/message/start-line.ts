/**
 * Start lines (RFC 3261 §7.1, §7.2, grammar §25.1):
 *   Request-Line = Method SP Request-URI SP SIP-Version CRLF
 *   Status-Line  = SIP-Version SP Status-Code SP Reason-Phrase CRLF
 * SIP-Version is case-insensitive (§7.1); only SIP/2.0 is supported (§8.2.2 / §21.5.6 → 505).
 */
import { isDigit, isLws, isToken } from './chars.js';
import { SipParseError } from './errors.js';
import type { SipRequestLine, SipStatusLine } from './types.js';

export interface ParsedStartLine {
  startLine: SipRequestLine | SipStatusLine;
  /** Set when the line is well-formed but not SIP/2.0 (the engine answers 505 to a request). */
  unsupportedVersion?: string;
}

function bad(line: string, why: string): SipParseError {
  return new SipParseError('bad-start-line', `bad start line (${why}): ${line.slice(0, 200)}`);
}

/** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT. */
function isSipVersion(v: string): boolean {
  if (v.length < 7 || v.slice(0, 4).toUpperCase() !== 'SIP/') return false;
  const dot = v.indexOf('.', 4);
  if (dot <= 4 || dot === v.length - 1) return false;
  for (let i = 4; i < v.length; i++) if (i !== dot && !isDigit(v.charCodeAt(i))) return false;
  return true;
}

/** Request-URI = SIP-URI / SIPS-URI / absoluteURI: checked here only for "scheme:" and no white space. */
function isPlausibleRequestUri(uri: string): boolean {
  const colon = uri.indexOf(':');
  if (colon <= 0 || colon === uri.length - 1) return false;
  for (let i = 0; i < colon; i++) {
    const c = uri.charCodeAt(i) | 0x20;
    const ok =
      (c >= 97 && c <= 122) || (i > 0 && (isDigit(uri.charCodeAt(i)) || '+-.'.includes(uri[i] ?? '')));
    if (!ok) return false;
  }
  for (let i = colon + 1; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    if (c <= 32 || c === 127 || c === 60 || c === 62 || c === 34) return false;
  }
  return true;
}

function withVersion(
  startLine: SipRequestLine | SipStatusLine,
  version: string,
  line: string,
): ParsedStartLine {
  if (version.toUpperCase() === 'SIP/2.0') return { startLine };
  if (!isSipVersion(version)) throw bad(line, 'version');
  return { startLine, unsupportedVersion: version };
}

function parseStatusLine(line: string): ParsedStartLine {
  const sp = line.indexOf(' ');
  if (sp < 0) throw bad(line, 'no status code');
  const version = line.slice(0, sp);
  const code = line.slice(sp + 1, sp + 4);
  const after = line.charCodeAt(sp + 4);
  if (
    code.length !== 3 ||
    !isDigit(code.charCodeAt(0)) ||
    !isDigit(code.charCodeAt(1)) ||
    !isDigit(code.charCodeAt(2))
  ) {
    throw bad(line, 'status code');
  }
  if (line.length > sp + 4 && after !== 32) throw bad(line, 'status code');
  const status = Number(code);
  // RFC 3261 §7.2 / §21: Status-Code is 1xx..6xx.
  if (status < 100 || status > 699) throw bad(line, 'status code range');
  return withVersion({ kind: 'response', status, reason: line.slice(sp + 5) }, version, line);
}

function parseRequestLine(line: string): ParsedStartLine {
  const sp1 = line.indexOf(' ');
  const sp2 = line.lastIndexOf(' ');
  if (sp1 <= 0 || sp2 <= sp1) throw bad(line, 'not METHOD SP URI SP VERSION');
  const method = line.slice(0, sp1);
  if (!isToken(method)) throw bad(line, 'method');
  let a = sp1 + 1;
  let b = sp2;
  while (a < b && isLws(line.charCodeAt(a))) a++;
  while (b > a && isLws(line.charCodeAt(b - 1))) b--;
  const uri = line.slice(a, b);
  if (!isPlausibleRequestUri(uri)) throw bad(line, 'Request-URI');
  return withVersion({ kind: 'request', method, uri }, line.slice(sp2 + 1), line);
}

/** Parses the first line of a message (without its line ending). Throws 'bad-start-line'. */
export function parseStartLine(line: string): ParsedStartLine {
  if (line.length > 4 && line.slice(0, 4).toUpperCase() === 'SIP/') return parseStatusLine(line);
  return parseRequestLine(line);
}
