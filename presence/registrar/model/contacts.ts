/**
 * The Contact and Expires header fields of a REGISTER, as values (RFC 3261 §10.2, §10.3, §20.10,
 * §20.19). Pure: uses the engine's header codecs, never throws (a malformed field is a value the
 * registrar answers 400).
 */
import { parseNameAddr, splitHeaderList } from '../../../sip-engine/message/headers.js';
import { decodeUriPart, parseUri } from '../../../sip-engine/message/uri.js';
import { parseUnsigned, unquote } from '../../../sip-engine/message/chars.js';

export interface ContactEntry {
  /** The Contact URI as written (without `<>`). */
  readonly uri: string;
  /** What identifies the binding within its AOR (see {@link bindingKey}). */
  readonly key: string;
  /** The `expires` parameter (RFC 3261 §10.2.1.1), seconds. */
  readonly expires?: number;
  /** The `q` parameter ×1000 (RFC 3261 §20.10: qvalue 0..1). */
  readonly qMilli?: number;
  /** `+sip.instance` without quotes and `<>` (RFC 5626 §4.1, RFC 5627 §3.1). */
  readonly instanceId?: string;
  /** `reg-id` (RFC 5626 §4.2). */
  readonly regId?: number;
}

export type ContactsField =
  | { readonly kind: 'none' } // a query: list the bindings (RFC 3261 §10.3 step 8)
  | { readonly kind: 'wildcard' } // Contact: * (RFC 3261 §10.2.2)
  | { readonly kind: 'list'; readonly contacts: readonly ContactEntry[] }
  | { readonly kind: 'invalid'; readonly reason: string };

/** RFC 3261 §20.19: delta-seconds; anything else is malformed (undefined when absent). */
export function parseExpires(value: string | undefined): number | 'invalid' | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = parseUnsigned(value.trim(), 10);
  return n === undefined ? 'invalid' : Math.min(n, 2 ** 32 - 1);
}

/** qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) (RFC 3261 §25.1). */
function parseQ(v: string): number | undefined {
  if (!/^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/.test(v)) return undefined;
  return Math.round(parseFloat(v) * 1000);
}

/**
 * A comparable form of a Contact URI for binding identity (RFC 3261 §10.3 step 7 compares with the
 * §19.1.4 rules): scheme and host are case-insensitive, user and password are compared unescaped and
 * case-sensitively, the port is significant when present, and of the URI parameters the ones §19.1.4
 * always compares (user, ttl, method, maddr, transport) are kept. Other parameters and headers are
 * ignored, which treats two URIs differing only there as one binding (a lenient approximation).
 */
export function comparableUri(uri: string): string | undefined {
  let u;
  try {
    u = parseUri(uri);
  } catch {
    return undefined;
  }
  if (u.scheme === 'tel') return undefined;
  const user = u.user === undefined ? '' : decodeUriPart(u.user);
  const password = u.password === undefined ? '' : `:${decodeUriPart(u.password)}`;
  const params = ['user', 'ttl', 'method', 'maddr', 'transport']
    .filter((k) => u.params.has(k))
    .map((k) => {
      const v = u.params.get(k) ?? '';
      return `;${k}=${k === 'method' ? v : v.toLowerCase()}`;
    })
    .join('');
  return `${u.scheme}:${user}${password}@${u.host.toLowerCase()}:${u.port ?? ''}${params}`;
}

/**
 * Binding identity within an AOR: the instance-id and reg-id when both are present (RFC 5626 §6:
 * the flow, not the URI, identifies the binding), otherwise the comparable Contact URI.
 */
export function bindingKey(c: { uri: string; instanceId?: string; regId?: number }): string | undefined {
  if (c.instanceId !== undefined && c.regId !== undefined)
    return `instance:${c.instanceId};reg-id=${c.regId}`;
  const comparable = comparableUri(c.uri);
  return comparable === undefined ? undefined : `uri:${comparable}`;
}

function parseEntry(value: string): ContactEntry | string {
  let na;
  try {
    na = parseNameAddr(value);
  } catch {
    return `unparsable Contact '${value.slice(0, 80)}'`;
  }
  const expiresRaw = na.params.get('expires');
  const expires = expiresRaw === undefined ? undefined : parseExpires(expiresRaw ?? '');
  if (expires === 'invalid' || (expiresRaw !== undefined && expires === undefined))
    return 'bad expires parameter';
  const qRaw = na.params.get('q');
  const qMilli = qRaw === undefined || qRaw === null ? undefined : parseQ(qRaw);
  if (qRaw !== undefined && qMilli === undefined) return 'bad q parameter';
  const instanceRaw = na.params.get('+sip.instance');
  const instanceId = instanceRaw ? unquote(instanceRaw).replace(/^<(.*)>$/, '$1') : undefined;
  const regRaw = na.params.get('reg-id');
  const regId = regRaw ? parseUnsigned(regRaw, 10) : undefined;
  if (regRaw !== undefined && (regId === undefined || regId < 1)) return 'bad reg-id parameter';
  const base = {
    uri: na.uri,
    ...(instanceId ? { instanceId } : {}),
    ...(regId !== undefined ? { regId } : {}),
  };
  const key = bindingKey(base);
  if (key === undefined) return `Contact '${na.uri.slice(0, 80)}' is not a sip: or sips: URI`;
  return {
    ...base,
    key,
    ...(expires !== undefined ? { expires } : {}),
    ...(qMilli !== undefined ? { qMilli } : {}),
  };
}

/** The Contact field of a REGISTER (all Contact header lines, comma-joined), as a value. */
export function parseContacts(field: string | undefined): ContactsField {
  if (field === undefined || field.trim() === '') return { kind: 'none' };
  const values = splitHeaderList(field);
  // RFC 3261 §10.2.2 / §10.3 step 6: "*" only alone.
  if (values.some((v) => v === '*')) {
    return values.length === 1
      ? { kind: 'wildcard' }
      : { kind: 'invalid', reason: 'Contact: * must be the only Contact' };
  }
  const contacts: ContactEntry[] = [];
  for (const v of values) {
    const entry = parseEntry(v);
    if (typeof entry === 'string') return { kind: 'invalid', reason: entry };
    contacts.push(entry);
  }
  return { kind: 'list', contacts };
}
