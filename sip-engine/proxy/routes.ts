/**
 * Route header handling for the proxy: the route set as a flat list of name-addr values, and
 * recognising the entries that name this proxy (RFC 3261 §16.4, §16.12; RFC 5658 double routes).
 */
import { parseNameAddr, splitHeaderList } from '../message/headers.js';
import { canonicalHeaderKey, type SipMessage } from '../message/sip-message.js';
import { parseUri } from '../message/uri.js';
import type { SipUri } from '../message/types.js';

export type IsLocal = (host: string, port: number | undefined) => boolean;

/** Every Route entry in order (lines split on commas). */
export function routeEntries(m: SipMessage): string[] {
  return m.getAll('route').flatMap((v) => splitHeaderList(v));
}

/** Rewrites the Route headers as one line per entry, where the first Route line was. */
export function setRouteEntries(m: SipMessage, entries: readonly string[]): void {
  const at = m.headers.findIndex((h) => canonicalHeaderKey(h.name) === 'route');
  if (at < 0 && entries.length === 0) return;
  m.remove('route');
  const lines = entries.map((value) => ({ name: 'Route', value }));
  if (at < 0) m.headers.push(...lines);
  else m.headers.splice(Math.min(at, m.headers.length), 0, ...lines);
}

/** The URI of a Route entry, or undefined when it does not parse. */
export function routeUri(entry: string): SipUri | undefined {
  try {
    return parseUri(parseNameAddr(entry).uri);
  } catch {
    return undefined;
  }
}

export function isOwnRoute(entry: string, isLocal: IsLocal): boolean {
  const uri = routeUri(entry);
  return uri !== undefined && uri.scheme !== 'tel' && isLocal(uri.host, uri.port);
}

/** Drops the leading entries that name this proxy (one, or two after double record-routing). */
export function stripOwnRoutes(entries: readonly string[], isLocal: IsLocal): string[] {
  let i = 0;
  while (i < entries.length && isOwnRoute(entries[i] ?? '', isLocal)) i++;
  return entries.slice(i);
}

/**
 * Protocol spec §3.2 step 4: the first Route is a loose route (`;lr`) naming this proxy — a
 * mid-dialog request of a call we record-routed.
 */
export function firstRouteIsOurLooseRoute(m: SipMessage, isLocal: IsLocal): boolean {
  const first = routeEntries(m)[0];
  if (first === undefined) return false;
  const uri = routeUri(first);
  return uri !== undefined && uri.scheme !== 'tel' && uri.params.has('lr') && isLocal(uri.host, uri.port);
}
