/**
 * Which number was dialled, from the places an operator trusts for a gateway, in the trusted order
 * (default Request-URI, To, Diversion, History-Info): the first source with a user part wins.
 *
 *   request-uri   the target at this hop (RFC 3261 §8.1.1.1), usually the DID the carrier routes to us
 *   to            the logical original recipient (RFC 3261 §8.1.1.2)
 *   diversion     the number the call was first diverted from: the bottom entry, as each diversion
 *                 adds its entry on top (RFC 5806 §4; Historic, still common on PSTN trunks)
 *   history-info  the original target: the entry with the lowest index (RFC 7044 §10.3: "1", then
 *                 "1.1", "1.2", "1.1.1" ...), so what the caller dialled before any retargeting
 */
import type { DialledSource } from '../model/gateway-schema.js';
import { headerEntries, uriParty } from './party-headers.js';
import type { HeaderEntry, HeaderView, PartyIdentity } from './party-headers.js';

export type DialledIdentity = PartyIdentity<DialledSource>;

export type DialledResult =
  { readonly found: true; readonly identity: DialledIdentity } | { readonly found: false };

/** RFC 7044 §4: hi-index = "index" EQUAL 1*DIGIT *(DOT 1*DIGIT). */
function parseIndex(value: string | null | undefined): number[] | undefined {
  if (!value || !/^[0-9]+(\.[0-9]+)*$/.test(value)) return undefined;
  return value.split('.').map(Number);
}

/** Index order: component by component, a parent before its children ("1" < "1.1" < "1.2" < "2"). */
export function compareIndex(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Entries in RFC 7044 index order; entries without a valid index (§10.3 requires one) come last. */
export function historyInfoOrder(entries: readonly HeaderEntry[]): HeaderEntry[] {
  const indexed = entries.map((entry, position) => ({
    entry,
    position,
    index: parseIndex(entry.params.get('index')),
  }));
  indexed.sort((x, y) => {
    if (x.index && y.index) return compareIndex(x.index, y.index) || x.position - y.position;
    if (x.index || y.index) return x.index ? -1 : 1;
    return x.position - y.position;
  });
  return indexed.map((x) => x.entry);
}

function firstParty(source: DialledSource, entries: readonly HeaderEntry[]): DialledIdentity | undefined {
  for (const e of entries) {
    const p = uriParty(source, e.uri);
    if (p) return p;
  }
  return undefined;
}

function read(source: DialledSource, requestUri: string, headers: HeaderView): DialledIdentity | undefined {
  switch (source) {
    case 'request-uri':
      return uriParty(source, requestUri);
    case 'to':
      return firstParty(source, headerEntries(headers.get('to')).slice(0, 1));
    case 'diversion':
      return firstParty(source, headerEntries(headers.get('diversion')).reverse());
    case 'history-info':
      return firstParty(source, historyInfoOrder(headerEntries(headers.get('history-info'))));
  }
}

/** The dialled number per `trust` (sources in the order believed). */
export function extractDialled(
  requestUri: string,
  headers: HeaderView,
  trust: readonly DialledSource[],
): DialledResult {
  for (const source of trust) {
    const identity = read(source, requestUri, headers);
    if (identity) return { found: true, identity };
  }
  return { found: false };
}
