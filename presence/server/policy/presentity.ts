/**
 * Addresses of record: the presentity a Request-URI names (RFC 3856 §6.6, RFC 3903 §6 step 1: a
 * resource this server keeps state for). An AOR is written
 * `sip:user@host` with the host lower-cased (RFC 3261 §19.1.4: the user part is case-sensitive).
 */
import { decodeUriPart, parseUri } from '../../../sip-engine/message/uri.js';

/** `sip:user@host` of a sip/sips URI with a user part, else undefined. */
export function aorOf(uri: string): string | undefined {
  try {
    const u = parseUri(uri.trim());
    if (u.scheme === 'tel' || u.user === undefined || u.user === '') return undefined;
    return `sip:${decodeUriPart(u.user)}@${u.host.toLowerCase()}`;
  } catch {
    return undefined;
  }
}

export function domainOf(aor: string): string {
  return aor.slice(aor.lastIndexOf('@') + 1);
}

/** The presentity a Request-URI names when its host is one of `domains`. */
export function presentityOf(requestUri: string, domains: readonly string[]): string | undefined {
  const aor = aorOf(requestUri);
  return aor !== undefined && domains.includes(domainOf(aor)) ? aor : undefined;
}
