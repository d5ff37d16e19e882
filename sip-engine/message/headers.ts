/**
 * Pure codecs for structured header values (RFC 3261 §20, §25.1 and the RFCs cited per function).
 * Inputs are raw header values as kept by SipMessage; every failure is a SipParseError
 * ('bad-header', or 'bad-cseq' for CSeq/RAck).
 */
import {
  isDigit,
  isHostnameChar,
  isIpv6Char,
  isLws,
  isToken,
  isTokenChar,
  parseUnsigned,
  quote,
  skipQuoted,
  trimLws,
  unquote,
} from './chars.js';
import { SipParseError } from './errors.js';
import { formatParams, parseParams } from './params.js';
import { formatHost } from './uri.js';
import type { CSeq, NameAddr, RAck, ViaHeader } from './types.js';

export { formatParams, parseParams };
export { parseEvent, parseSessionExpires, parseSubscriptionState } from './event-headers.js';

function bad(what: string, value: string, code: 'bad-header' | 'bad-cseq' = 'bad-header'): SipParseError {
  return new SipParseError(code, `bad ${what}: ${value.slice(0, 200)}`, { header: what });
}

/**
 * Splits a comma-separated header value into its elements (RFC 3261 §7.3.1), ignoring commas inside
 * quoted strings and `<...>`. Elements are trimmed; empty ones are dropped.
 */
export function splitHeaderList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34) {
      const end = skipQuoted(value, i);
      if (end < 0) break;
      i = end - 1;
    } else if (c === 60) angle = true;
    else if (c === 62) angle = false;
    else if (c === 44 && !angle) {
      const part = trimLws(value.slice(start, i));
      if (part) out.push(part);
      start = i + 1;
    }
  }
  const last = trimLws(value.slice(start));
  if (last) out.push(last);
  return out;
}

/** RFC 3261 §25.1 display-name = *(token LWS) / quoted-string (UTF-8 accepted unquoted, leniently). */
function checkBareDisplayName(s: string, value: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128 && !isLws(c) && !isTokenChar(c)) throw bad('name-addr', value);
  }
}

/**
 * name-addr / addr-spec of From, To, Contact, Route, Record-Route, Refer-To... (RFC 3261 §20.10,
 * §25.1). Without <>, the parameters after the URI belong to the header, not the URI. `*` (Contact,
 * §10.2.2) gives uri "*".
 */
export function parseNameAddr(value: string): NameAddr {
  const s = trimLws(value);
  let displayName: string | undefined;
  let uri: string;
  let rest: string;
  let i = 0;
  if (s.charCodeAt(0) === 34) {
    const end = skipQuoted(s, 0);
    if (end < 0) throw bad('name-addr', value);
    displayName = unquote(s.slice(0, end));
    i = end;
    while (isLws(s.charCodeAt(i))) i++;
    if (s.charCodeAt(i) !== 60) throw bad('name-addr', value);
  }
  const lt = s.indexOf('<', i);
  if (lt >= 0) {
    if (displayName === undefined) {
      const dn = trimLws(s.slice(0, lt));
      checkBareDisplayName(dn, value);
      if (dn) displayName = dn;
    }
    const gt = s.indexOf('>', lt);
    if (gt < 0) throw bad('name-addr', value);
    uri = trimLws(s.slice(lt + 1, gt));
    rest = s.slice(gt + 1);
  } else {
    const semi = s.indexOf(';');
    uri = semi < 0 ? s : s.slice(0, semi);
    rest = semi < 0 ? '' : s.slice(semi);
  }
  if (!isPlausibleUri(uri)) throw bad('name-addr', value);
  rest = trimLws(rest);
  if (rest && rest.charCodeAt(0) !== 59) throw bad('name-addr', value);
  const na: NameAddr = { uri, params: parseParams(rest) };
  if (displayName !== undefined) na.displayName = displayName;
  return na;
}

/** absoluteURI-ish: "scheme:..." without white space or brackets, or "*". */
function isPlausibleUri(uri: string): boolean {
  if (uri === '*') return true;
  const colon = uri.indexOf(':');
  if (colon <= 0) return false;
  for (let i = 0; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    if (c <= 32 || c === 34 || c === 60 || c === 62 || c === 127) return false;
  }
  return true;
}

/** Always writes `<uri>` (safe whatever the URI holds, §20.10) and a quoted display name. */
export function formatNameAddr(na: NameAddr): string {
  const dn = na.displayName === undefined ? '' : `${quote(na.displayName)} `;
  return `${dn}<${na.uri}>${formatParams(na.params)}`;
}

/** The `tag` parameter of a From/To value (RFC 3261 §19.3); undefined when absent or unparseable. */
export function getTag(nameAddrValue: string): string | undefined {
  try {
    return parseNameAddr(nameAddrValue).params.get('tag') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Reads a token at `i` (after skipping LWS); returns [token, next index]. */
function readToken(s: string, i: number): [string, number] {
  while (isLws(s.charCodeAt(i))) i++;
  const start = i;
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
  return [s.slice(start, i), i];
}

/** Expects `/` (SLASH = SWS "/" SWS) at `i` after LWS; returns the index after it or -1. */
function expectSlash(s: string, i: number): number {
  while (isLws(s.charCodeAt(i))) i++;
  return s.charCodeAt(i) === 47 ? i + 1 : -1;
}

/** via-parm = sent-protocol LWS sent-by *( SEMI via-params ) (RFC 3261 §20.42, §25.1). */
function parseOneVia(s: string): ViaHeader {
  const [name, a] = readToken(s, 0);
  const b = expectSlash(s, a);
  const [version, c] = readToken(s, b);
  const d = expectSlash(s, c);
  const [transport, e] = readToken(s, d);
  if (name.toUpperCase() !== 'SIP' || version !== '2.0' || b < 0 || d < 0 || !transport) throw bad('Via', s);
  let i = e;
  if (!isLws(s.charCodeAt(i))) throw bad('Via', s);
  while (isLws(s.charCodeAt(i))) i++;
  let host: string;
  if (s.charCodeAt(i) === 91) {
    const close = s.indexOf(']', i);
    if (close < 0) throw bad('Via', s);
    host = s.slice(i + 1, close);
    if (!host.includes(':')) throw bad('Via', s);
    for (let k = 0; k < host.length; k++) if (!isIpv6Char(host.charCodeAt(k))) throw bad('Via', s);
    i = close + 1;
  } else {
    const start = i;
    while (i < s.length && isHostnameChar(s.charCodeAt(i))) i++;
    host = s.slice(start, i);
  }
  if (!host) throw bad('Via', s);
  const via: ViaHeader = { transport: transport.toUpperCase(), host, params: new Map() };
  while (isLws(s.charCodeAt(i))) i++;
  if (s.charCodeAt(i) === 58) {
    i++;
    while (isLws(s.charCodeAt(i))) i++;
    const pstart = i;
    while (isDigit(s.charCodeAt(i))) i++;
    const port = parseUnsigned(s.slice(pstart, i), 5);
    if (port === undefined || port > 65535) throw bad('Via', s);
    via.port = port;
  }
  const rest = trimLws(s.slice(i));
  if (rest && rest.charCodeAt(0) !== 59) throw bad('Via', s);
  via.params = parseParams(rest);
  return via;
}

/** Every via-parm of one Via header value (several may share a line, comma-separated). */
export function parseVia(value: string): ViaHeader[] {
  const parts = splitHeaderList(value);
  if (parts.length === 0) throw bad('Via', value);
  return parts.map(parseOneVia);
}

export function formatVia(v: ViaHeader): string {
  const port = v.port === undefined ? '' : `:${v.port}`;
  return `SIP/2.0/${v.transport} ${formatHost(v.host)}${port}${formatParams(v.params)}`;
}

/** Splits on LWS into non-empty words. */
function words(value: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= value.length; i++) {
    const ws = i === value.length || isLws(value.charCodeAt(i));
    if (ws && start >= 0) {
      out.push(value.slice(start, i));
      start = -1;
    } else if (!ws && start < 0) start = i;
  }
  return out;
}

const MAX_U32 = 4294967295;

/** CSeq = 1*DIGIT LWS Method; the number is a 32-bit unsigned integer (RFC 3261 §20.16, §8.1.1.5). */
export function parseCSeq(value: string): CSeq {
  const w = words(value);
  const seq = parseUnsigned(w[0] ?? '', 10);
  const method = w[1] ?? '';
  if (w.length !== 2 || seq === undefined || seq > MAX_U32 || !isToken(method))
    throw bad('CSeq', value, 'bad-cseq');
  return { seq, method };
}

/** RSeq = response-num, 1*DIGIT in 1..2**32-1 (RFC 3262 §7.1). */
export function parseRSeq(value: string): number {
  const n = parseUnsigned(trimLws(value), 10);
  if (n === undefined || n < 1 || n > MAX_U32) throw bad('RSeq', value);
  return n;
}

/** RAck = response-num LWS CSeq-num LWS Method (RFC 3262 §7.2). */
export function parseRAck(value: string): RAck {
  const w = words(value);
  const rseq = parseUnsigned(w[0] ?? '', 10);
  const seq = parseUnsigned(w[1] ?? '', 10);
  const method = w[2] ?? '';
  if (
    w.length !== 3 ||
    rseq === undefined ||
    seq === undefined ||
    rseq > MAX_U32 ||
    seq > MAX_U32 ||
    !isToken(method)
  ) {
    throw bad('RAck', value);
  }
  return { rseq, seq, method };
}
