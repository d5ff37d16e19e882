/**
 * PRACKs for reliable provisional responses the proxy relayed with a rewritten RSeq (RFC 3262 §7.2,
 * spec §3.8): the RAck's response number is mapped back to what the branch's UAS sent.
 */
import { parseRAck } from '../message/headers.js';
import type { SipMessage } from '../message/sip-message.js';
import type { ServerTransaction } from '../transaction/types.js';
import type { InboundMessage } from '../transport/types.js';
import type { ProxyBranch } from './branch.js';
import { relayThrough, type RelayDeps } from './relay.js';
import { routeEntries, setRouteEntries, stripOwnRoutes, type IsLocal } from './routes.js';
import type { RSeqOrigin } from './rseq-map.js';

export type PrackLookup = (callId: string, upstreamRSeq: number) => RSeqOrigin<ProxyBranch> | undefined;

/**
 * Rewrites the RAck of `prack` (in place) when it acknowledges one of our rewritten RSeqs;
 * returns the branch it belongs to, or undefined when it is not ours.
 */
export function mapPrackRAck(prack: SipMessage, lookup: PrackLookup): RSeqOrigin<ProxyBranch> | undefined {
  const value = prack.get('rack');
  if (prack.method !== 'PRACK' || value === undefined) return undefined;
  let rack;
  try {
    rack = parseRAck(value);
  } catch {
    return undefined;
  }
  const origin = lookup(prack.get('call-id') ?? '', rack.rseq);
  if (origin) prack.set('RAck', `${origin.rseq} ${rack.seq} ${rack.method}`);
  return origin;
}

/**
 * A PRACK handed to us with its own server transaction: forwarded statefully on the branch whose
 * reliable 1xx it acknowledges (same next hop as that branch's INVITE).
 */
export function forwardPrackStatefully(
  inbound: InboundMessage,
  txn: ServerTransaction,
  lookup: PrackLookup,
  isLocal: IsLocal,
  deps: RelayDeps,
): boolean {
  const prack = inbound.message.clone();
  const origin = mapPrackRAck(prack, lookup);
  const target = origin?.branch.target;
  const local = origin?.branch.local;
  if (!target || !local) return false;
  setRouteEntries(prack, stripOwnRoutes(routeEntries(prack), isLocal)); // RFC 3261 §16.4
  const n = Number.parseInt(prack.get('max-forwards') ?? '70', 10);
  prack.set('Max-Forwards', String(Number.isFinite(n) && n > 0 ? n - 1 : 70)); // RFC 3261 §16.6 step 3
  relayThrough(prack, target, local, txn, deps);
  return true;
}
