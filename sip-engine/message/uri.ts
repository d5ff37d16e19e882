/**
 * SIP/SIPS URIs (RFC 3261 §19.1, grammar §25.1) and tel URIs (RFC 3966 §3).
 *
 * `user` and `password` keep the percent-escapes exactly as written, so a parsed URI formats back to
 * the same text; use {@link decodeUriPart} for the decoded value. {@link formatUri} escapes characters
 * that may not appear unescaped (so a user set by code, e.g. "a b", is written "a%20b").
 * A tel URI has its number in `user` and an empty `host`.
 */
import { isDigit, isHostnameChar, isIpv6Char, parseUnsigned } from './chars.js';
import { SipParseError } from './errors.js';
import { formatParams } from './params.js';
import type { SipUri } from './types.js';

function bad(text: string, why: string): SipParseError {
  return new SipParseError('bad-uri', `bad URI (${why}): ${text.slice(0, 200)}`);
}

/** Characters never allowed unescaped anywhere in a SIP URI: CTL, SP, DQUOTE, <, >, \, non-ASCII. */
function isUriChar(c: number): boolean {
  return c > 32 && c < 127 && c !== 34 && c !== 60 && c !== 62 && c !== 92;
}

/** Delimiters that end the user / password parts (RFC 3261 §25.1 userinfo). */
const USER_FORBIDDEN = ':@';
const PASSWORD_FORBIDDEN = '@';

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** True when `s[i]` may stay unescaped in a part that also forbids `extraForbidden`. */
function isPlain(s: string, i: number, extraForbidden: string): boolean {
  const c = s.charCodeAt(i);
  if (!isUriChar(c) || (extraForbidden.length > 0 && extraForbidden.includes(s[i] ?? ''))) return false;
  // RFC 3261 §25.1: escaped = "%" HEXDIG HEXDIG
  return c !== 37 || (isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2)));
}

function checkChars(s: string, text: string, what: string, extraForbidden = ''): void {
  for (let i = 0; i < s.length; i++) {
    if (!isPlain(s, i, extraForbidden)) throw bad(text, `character ${JSON.stringify(s[i])} in ${what}`);
  }
}

interface Cursor {
  s: string;
  i: number;
}

/** host = hostname / IPv4address / IPv6reference (RFC 3261 §25.1); brackets are dropped. */
function readHost(cur: Cursor, text: string): string {
  const { s } = cur;
  if (s.charCodeAt(cur.i) === 91) {
    const close = s.indexOf(']', cur.i);
    if (close < 0) throw bad(text, 'unterminated IPv6 reference');
    const host = s.slice(cur.i + 1, close);
    if (host.length < 2 || !host.includes(':')) throw bad(text, 'IPv6 reference');
    for (let k = 0; k < host.length; k++)
      if (!isIpv6Char(host.charCodeAt(k))) throw bad(text, 'IPv6 reference');
    cur.i = close + 1;
    return host;
  }
  const start = cur.i;
  while (cur.i < s.length && isHostnameChar(s.charCodeAt(cur.i))) cur.i++;
  if (cur.i === start) throw bad(text, 'empty host');
  return s.slice(start, cur.i);
}

function readPort(cur: Cursor, text: string): number | undefined {
  if (cur.s.charCodeAt(cur.i) !== 58) return undefined;
  const start = ++cur.i;
  while (cur.i < cur.s.length && isDigit(cur.s.charCodeAt(cur.i))) cur.i++;
  const port = parseUnsigned(cur.s.slice(start, cur.i), 5);
  if (port === undefined || port > 65535) throw bad(text, 'port');
  return port;
}

/** uri-parameters = *( ";" uri-parameter ), stopping at "?" (RFC 3261 §19.1.1). Keys lower-cased. */
function readParams(cur: Cursor, text: string, stopAtQuery: boolean): Map<string, string | null> {
  const params = new Map<string, string | null>();
  const { s } = cur;
  while (cur.i < s.length && s.charCodeAt(cur.i) === 59) {
    const start = cur.i + 1;
    let end = start;
    while (end < s.length && s.charCodeAt(end) !== 59 && !(stopAtQuery && s.charCodeAt(end) === 63)) end++;
    const item = s.slice(start, end);
    checkChars(item, text, 'parameter');
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).toLowerCase();
    if (name.length === 0) throw bad(text, 'empty parameter name');
    params.set(name, eq < 0 ? null : item.slice(eq + 1));
    cur.i = end;
  }
  return params;
}

/** headers = "?" header *( "&" header ) (RFC 3261 §19.1.1), kept raw. */
function readHeaders(cur: Cursor, text: string): Map<string, string> {
  const headers = new Map<string, string>();
  if (cur.s.charCodeAt(cur.i) !== 63) return headers;
  const rest = cur.s.slice(cur.i + 1);
  checkChars(rest, text, 'headers');
  for (const part of rest.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    headers.set(eq < 0 ? part : part.slice(0, eq), eq < 0 ? '' : part.slice(eq + 1));
  }
  cur.i = cur.s.length;
  return headers;
}

/** RFC 3966 §3: tel URI; the (global or local) number goes to `user`. */
function parseTel(rest: string, text: string): SipUri {
  const semi = rest.indexOf(';');
  const number = semi < 0 ? rest : rest.slice(0, semi);
  if (number.length === 0) throw bad(text, 'empty telephone number');
  checkChars(number, text, 'telephone number', '@?;');
  const cur: Cursor = { s: rest, i: number.length };
  const params = readParams(cur, text, false);
  return { scheme: 'tel', user: number, host: '', params, headers: new Map() };
}

function readUserinfo(uri: SipUri, userinfo: string, text: string): void {
  const colon = userinfo.indexOf(':');
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  if (user.length === 0) throw bad(text, 'empty user');
  // RFC 3261 §25.1: user = 1*( unreserved / escaped / user-unreserved ); leniently any visible ASCII
  // but the delimiters, so that what parses formats back unchanged.
  checkChars(user, text, 'user', USER_FORBIDDEN);
  uri.user = user;
  if (colon >= 0) {
    const password = userinfo.slice(colon + 1);
    checkChars(password, text, 'password', PASSWORD_FORBIDDEN);
    uri.password = password;
  }
}

/** Parses a sip:, sips: or tel: URI. Throws SipParseError with code 'bad-uri'. */
export function parseUri(text: string): SipUri {
  const s = text.trim();
  const colon = s.indexOf(':');
  const scheme = colon > 0 ? s.slice(0, colon).toLowerCase() : '';
  const rest = s.slice(colon + 1);
  if (scheme === 'tel') return parseTel(rest, text);
  if (scheme !== 'sip' && scheme !== 'sips') throw bad(text, 'scheme');
  const uri: SipUri = { scheme, host: '', params: new Map(), headers: new Map() };
  const at = rest.indexOf('@');
  if (at >= 0) readUserinfo(uri, rest.slice(0, at), text);
  const cur: Cursor = { s: rest, i: at + 1 };
  uri.host = readHost(cur, text);
  const port = readPort(cur, text);
  if (port !== undefined) uri.port = port;
  uri.params = readParams(cur, text, true);
  uri.headers = readHeaders(cur, text);
  if (cur.i !== rest.length) throw bad(text, `unexpected ${JSON.stringify(rest[cur.i])}`);
  return uri;
}

/** Percent-escapes (UTF-8) every character that may not appear as it is, keeping valid %XX escapes. */
function escapePart(s: string, forbidden: string): string {
  let i = 0;
  while (i < s.length && isPlain(s, i, forbidden)) i++;
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) {
    if (isPlain(s, i, forbidden)) {
      out += s[i] ?? '';
      continue;
    }
    const char = String.fromCodePoint(s.codePointAt(i) ?? 0);
    if (char.length === 2) i++;
    for (const b of Buffer.from(char, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Decodes %XX escapes (UTF-8); malformed escapes are left as written. */
export function decodeUriPart(s: string): string {
  if (!s.includes('%')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(s[i] ?? '', 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Host as written in a URI or Via: IPv6 addresses get their brackets back. */
export function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** "host" or "host:port" (IPv6 bracketed), e.g. for a Via sent-by or a log line. */
export function uriHostPort(u: SipUri): string {
  return u.port === undefined ? formatHost(u.host) : `${formatHost(u.host)}:${u.port}`;
}

export function formatUri(u: SipUri): string {
  if (u.scheme === 'tel') return `tel:${u.user ?? ''}${formatParams(u.params)}`;
  let out = `${u.scheme}:`;
  if (u.user !== undefined) {
    out += escapePart(u.user, USER_FORBIDDEN);
    if (u.password !== undefined) out += `:${escapePart(u.password, PASSWORD_FORBIDDEN)}`;
    out += '@';
  }
  out += uriHostPort(u) + formatParams(u.params);
  if (u.headers.size > 0) {
    out += `?${[...u.headers].map(([k, v]) => `${k}=${v}`).join('&')}`;
  }
  return out;
}
