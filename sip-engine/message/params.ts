/**
 * Header parameters: *( SEMI generic-param ), generic-param = token [ EQUAL gen-value ],
 * gen-value = token / host / quoted-string (RFC 3261 §7.3.1, §25.1).
 * Keys are lower-cased; values are kept as written (quoted strings keep their quotes, so a value
 * formats back unchanged; use chars.unquote for the text); a flag parameter has value null.
 */
import { isLws, isTokenChar } from './chars.js';
import { SipParseError } from './errors.js';

function bad(text: string): SipParseError {
  return new SipParseError('bad-header', `bad parameters: ${text.slice(0, 200)}`);
}

function skipLws(s: string, i: number): number {
  while (i < s.length && isLws(s.charCodeAt(i))) i++;
  return i;
}

/** Reads a gen-value at `i`; returns [value, next index]. */
function readValue(s: string, i: number): [string, number] {
  if (s.charCodeAt(i) === 34) {
    let end = -1;
    for (let k = i + 1; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c === 92) k++;
      else if (c === 34) {
        end = k + 1;
        break;
      }
    }
    if (end < 0) throw bad(s);
    return [s.slice(i, end), end];
  }
  const start = i;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 59 || c === 44 || c === 34 || isLws(c)) break;
    i++;
  }
  return [s.slice(start, i), i];
}

/** Parses `;a=b;c;d="x;y"` (leading LWS allowed; empty input gives an empty map). */
export function parseParams(text: string): Map<string, string | null> {
  const params = new Map<string, string | null>();
  const s = text;
  let i = skipLws(s, 0);
  while (i < s.length) {
    if (s.charCodeAt(i) !== 59) throw bad(text);
    i = skipLws(s, i + 1);
    const start = i;
    while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
    const name = s.slice(start, i).toLowerCase();
    i = skipLws(s, i);
    let value: string | null = null;
    if (s.charCodeAt(i) === 61) {
      [value, i] = readValue(s, skipLws(s, i + 1));
      i = skipLws(s, i);
    }
    if (name.length === 0) {
      // Tolerate an empty parameter (";;" or a trailing ";"), not a missing name before "=".
      if (value !== null) throw bad(text);
    } else params.set(name, value);
    if (i < s.length && s.charCodeAt(i) !== 59) throw bad(text);
  }
  return params;
}

/** `;k=v` / `;flag` for every entry, in order. */
export function formatParams(params: ReadonlyMap<string, string | null>): string {
  let out = '';
  for (const [k, v] of params) out += v === null ? `;${k}` : `;${k}=${v}`;
  return out;
}
