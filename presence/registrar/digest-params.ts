/**
 * The text of Digest credentials and challenges: the Authorization header value parser and the
 * WWW-Authenticate value formatter (RFC 7616 §3.3/§3.4, RFC 3261 §25.1 auth-param syntax, with the
 * RFC 8760 §2.2 algorithm tokens).
 */

/** A parsed `Authorization: Digest ...` value (names lower-cased, quotes and escapes removed). */
export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  readonly response: string;
  /** As sent; RFC 7616 §3.4: absent means MD5. */
  readonly algorithm: string;
  readonly cnonce?: string;
  readonly opaque?: string;
  readonly qop?: string;
  readonly nc?: string;
  readonly userhash: boolean;
}

export type ParamsResult =
  { readonly ok: true; readonly value: DigestCredentials } | { readonly ok: false; readonly reason: string };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MAX_HEADER_CHARS = 4096;

/** Splits `name=value` pairs separated by commas; values are tokens or quoted-strings. */
function splitParams(s: string): Map<string, string> | string {
  const params = new Map<string, string>();
  let i = 0;
  const skipWs = (): void => {
    while (i < s.length && /[ \t\r\n]/.test(s.charAt(i))) i++;
  };
  while (i < s.length) {
    skipWs();
    const eq = s.indexOf('=', i);
    if (eq < 0) return 'parameter without a value';
    const name = s.slice(i, eq).trim().toLowerCase();
    if (!TOKEN.test(name)) return `bad parameter name '${name}'`;
    i = eq + 1;
    skipWs();
    let value = '';
    if (s.charAt(i) === '"') {
      i++;
      for (; i < s.length && s.charAt(i) !== '"'; i++)
        value += s.charAt(i) === '\\' ? s.charAt(++i) : s.charAt(i);
      if (i >= s.length) return 'unterminated quoted-string';
      i++;
    } else {
      const end = s.slice(i).search(/[ \t\r\n,]/);
      value = end < 0 ? s.slice(i) : s.slice(i, i + end);
      if (!TOKEN.test(value)) return `bad token value for '${name}'`;
      i += value.length;
    }
    // RFC 7616 §3.4: each parameter at most once.
    if (params.has(name)) return `parameter '${name}' repeated`;
    params.set(name, value);
    skipWs();
    if (i < s.length && s.charAt(i) !== ',') return 'expected a comma between parameters';
    i++;
  }
  return params;
}

/** RFC 7616 §3.4.4: `username*` carries an RFC 8187 ext-value, e.g. UTF-8''J%C3%A4s%C3%B8n. */
function decodeExtValue(v: string): string | undefined {
  const m = /^UTF-8'[^']*'(.*)$/i.exec(v);
  if (!m || m[1] === undefined) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
}

/** `username`, or the decoded `username*` (never both). */
function usernameOf(params: ReadonlyMap<string, string>): string | undefined | { ok: false; reason: string } {
  const plain = params.get('username');
  const extended = params.get('username*');
  if (extended === undefined) return plain;
  if (plain !== undefined) return { ok: false, reason: 'both username and username*' };
  return decodeExtValue(extended);
}

export function parseDigestCredentials(header: string): ParamsResult {
  if (header.length > MAX_HEADER_CHARS) return { ok: false, reason: 'header too long' };
  const m = /^\s*digest[ \t]+([\s\S]*)$/i.exec(header);
  if (!m || m[1] === undefined) return { ok: false, reason: 'not a Digest credential' };
  const params = splitParams(m[1]);
  if (typeof params === 'string') return { ok: false, reason: params };
  const get = (k: string): string | undefined => params.get(k);
  const username = usernameOf(params);
  if (typeof username === 'object') return username;
  const realm = get('realm');
  const nonce = get('nonce');
  const uri = get('uri');
  const response = get('response');
  if (
    username === undefined ||
    realm === undefined ||
    nonce === undefined ||
    uri === undefined ||
    response === undefined
  ) {
    return { ok: false, reason: 'missing username, realm, nonce, uri or response' };
  }
  const cnonce = get('cnonce');
  const opaque = get('opaque');
  const qop = get('qop');
  const nc = get('nc');
  return {
    ok: true,
    value: {
      username,
      realm,
      nonce,
      uri,
      response,
      algorithm: get('algorithm') ?? 'MD5',
      ...(cnonce !== undefined ? { cnonce } : {}),
      ...(opaque !== undefined ? { opaque } : {}),
      ...(qop !== undefined ? { qop } : {}),
      ...(nc !== undefined ? { nc } : {}),
      userhash: get('userhash')?.toLowerCase() === 'true',
    },
  };
}

/** RFC 3261 §25.1 quoted-string: escape `\` and `"`. */
export function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export interface ChallengeParams {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque: string;
  readonly algorithm: string;
  readonly stale: boolean;
}

/**
 * One WWW-Authenticate value (RFC 7616 §3.3). RFC 8760 §2.3 requires qop: only "auth" is
 * offered (auth-int would need the body hashed).
 */
export function formatChallenge(c: ChallengeParams): string {
  const parts = [
    `realm=${quote(c.realm)}`,
    `qop="auth"`,
    `algorithm=${c.algorithm}`,
    `nonce=${quote(c.nonce)}`,
    `opaque=${quote(c.opaque)}`,
  ];
  if (c.stale) parts.push('stale=true');
  return `Digest ${parts.join(', ')}`;
}
