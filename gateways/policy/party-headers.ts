/**
 * Reading parties (caller, dialled number) out of header values, with no SIP message type: the
 * caller passes a HeaderView. Values are parsed with the engine's pure string codecs
 * (name-addr, URI); a value that does not parse is skipped, never thrown.
 */
import { parseNameAddr, splitHeaderList } from '../../sip-engine/message/headers.js';
import { decodeUriPart, parseUri } from '../../sip-engine/message/uri.js';

/**
 * What the extraction needs from a request. `get` takes the full lower-case header name
 * ('p-asserted-identity', 'from', ...) and returns all its values, several header fields joined
 * with commas as RFC 3261 §7.3.1 allows, or undefined when absent.
 */
export interface HeaderView {
  get(name: string): string | undefined;
}

/** One name-addr entry of a header: display name, URI text and header parameters. */
export interface HeaderEntry {
  readonly displayName?: string;
  readonly uri: string;
  readonly params: ReadonlyMap<string, string | null>;
}

/** A party as found: where, the URI, and the number/user part of it. */
export interface PartyIdentity<S extends string> {
  readonly source: S;
  readonly uri: string;
  /** The user part (sip/sips) or number (tel), %-decoded, without user parameters. */
  readonly user: string;
  readonly scheme: 'sip' | 'sips' | 'tel';
  /** RFC 3966 §5.1.5 `phone-context` of a local number, when given. */
  readonly phoneContext?: string;
  readonly displayName?: string;
}

/** Every parseable entry of a (possibly comma-joined) name-addr header, in order. */
export function headerEntries(value: string | undefined): HeaderEntry[] {
  if (value === undefined) return [];
  const out: HeaderEntry[] = [];
  for (const part of splitHeaderList(value)) {
    try {
      const na = parseNameAddr(part);
      out.push(na.displayName === undefined ? { uri: na.uri, params: na.params } : na);
    } catch {
      // an unparseable entry is not a party; the next source or entry is used
    }
  }
  return out;
}

/** The number part of a sip/sips/tel URI, or undefined when it has none. */
export function uriParty<S extends string>(
  source: S,
  uri: string,
  displayName?: string,
): PartyIdentity<S> | undefined {
  let parsed;
  try {
    parsed = parseUri(uri);
  } catch {
    return undefined;
  }
  if (parsed.user === undefined) return undefined;
  // RFC 3261 §19.1.6: a telephone-subscriber user part may carry its own parameters (";phone-context=").
  const [number = '', ...userParams] = decodeUriPart(parsed.user).split(';');
  if (number === '') return undefined;
  let phoneContext = parsed.scheme === 'tel' ? (parsed.params.get('phone-context') ?? undefined) : undefined;
  for (const p of userParams) {
    const [k = '', v] = p.split('=');
    if (k.toLowerCase() === 'phone-context' && v !== undefined) phoneContext = v;
  }
  return {
    source,
    uri,
    user: number,
    scheme: parsed.scheme,
    ...(phoneContext !== undefined ? { phoneContext } : {}),
    ...(displayName !== undefined ? { displayName } : {}),
  };
}
