/**
 * Character classes and small scanning helpers shared by the parser and the codecs (RFC 3261 §25.1).
 * Everything works on char codes with lookup tables: no regular expressions on the hot path.
 */

function table(chars: string, alnum: boolean): Uint8Array {
  const t = new Uint8Array(128);
  if (alnum) {
    for (let c = 48; c <= 57; c++) t[c] = 1;
    for (let c = 65; c <= 90; c++) t[c] = 1;
    for (let c = 97; c <= 122; c++) t[c] = 1;
  }
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

/** RFC 3261 §25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"). */
const TOKEN = table("-.!%*_+`'~", true);
/** RFC 3261 §25.1 hostname characters (plus "_", common in the wild). */
const HOSTNAME = table('-._', true);
/** IPv6 reference contents (hex, ":" and "." for embedded IPv4, "%" for a zone id). */
const IPV6 = table(':.%', true);

export function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}

export function isHostnameChar(c: number): boolean {
  return c < 128 && HOSTNAME[c] === 1;
}

export function isIpv6Char(c: number): boolean {
  return c < 128 && IPV6[c] === 1;
}

/** True for a non-empty string made only of token characters. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/** SP, HTAB, CR, LF: the linear white space of RFC 3261 §25.1 (LWS/SWS). */
export function isLws(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Trims LWS only (unlike String#trim, which also eats Unicode spaces that belong to the value). */
export function trimLws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isLws(s.charCodeAt(a))) a++;
  while (b > a && isLws(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/**
 * Index just after the closing quote of the quoted-string starting at `start` (which must be `"`),
 * honouring quoted-pair backslash escapes (RFC 3261 §25.1), or -1 if it is not terminated.
 */
export function skipQuoted(s: string, start: number): number {
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) return i + 1;
  }
  return -1;
}

/** Removes surrounding quotes and resolves quoted-pairs; returns the input when it is not quoted. */
export function unquote(s: string): string {
  if (s.length < 2 || s.charCodeAt(0) !== 34 || s.charCodeAt(s.length - 1) !== 34) return s;
  const inner = s.slice(1, -1);
  if (!inner.includes('\\')) return inner;
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i] ?? '';
    if (ch === '\\' && i + 1 < inner.length) {
      out += inner[i + 1] ?? '';
      i++;
    } else out += ch;
  }
  return out;
}

/** Wraps in double quotes, escaping `"` and `\` as quoted-pairs (RFC 3261 §25.1). */
export function quote(s: string): string {
  return `"${s.replace(/["\\]/g, (m) => `\\${m}`)}"`;
}

/** Parses an unsigned decimal of at most `maxDigits` digits; undefined when `s` is anything else. */
export function parseUnsigned(s: string, maxDigits = 10): number | undefined {
  if (s.length === 0 || s.length > maxDigits) return undefined;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return undefined;
    n = n * 10 + (c - 48);
  }
  return n;
}
