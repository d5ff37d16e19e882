/**
 * Addresses-of-record in canonical form, so the directory and the registrar compare them the same
 * way. RFC 3261 §10.3 step 5: the To URI is reduced to username@domain, every URI parameter is
 * removed and escaped characters are unescaped. The scheme is kept out of the identity (a sips:
 * registration binds the same AOR) and written as `sip:`; the host is case-insensitive (§19.1.4),
 * the user part is not.
 */
import { decodeUriPart, formatUri, parseUri } from '../../../sip-engine/message/uri.js';

/** `sip:user@domain` for a sip:/sips: URI with a user part, or undefined when it is not one. */
export function canonicalAor(uri: string): string | undefined {
  let parsed;
  try {
    parsed = parseUri(uri);
  } catch {
    return undefined;
  }
  if (parsed.scheme === 'tel' || parsed.user === undefined || parsed.user === '') return undefined;
  const user = decodeUriPart(parsed.user);
  const host = parsed.host.toLowerCase();
  return formatUri({ scheme: 'sip', user, host, params: new Map(), headers: new Map() });
}
