/**
 * Forwarding outside a proxy transaction (spec §3.2 steps 4 and 10): in-dialog requests of calls we
 * record-routed (they arrive with our loose route on top) — statelessly (RFC 3261 §16.11), or
 * through a client transaction when the engine hands us their server transaction — and responses
 * that match no client transaction but still carry a Via below ours.
 */
import { createHash } from 'node:crypto';
import { getTag, parseNameAddr } from '../message/headers.js';
import type { SipMessage } from '../message/sip-message.js';
import { parseUri } from '../message/uri.js';
import type { ServerTransaction, TransactionLayerApi } from '../transaction/types.js';
import type { InboundMessage, TransportLayerApi } from '../transport/types.js';
import { BRANCH_COOKIE } from '../util/ids.js';
import type { ProxyLogger } from './branch.js';
import { relayThrough } from './relay.js';
import { buildLocalResponse } from './request-builder.js';
import { routeEntries, routeUri, setRouteEntries, stripOwnRoutes, type IsLocal } from './routes.js';
import { nextHopOf, resolveHop, viaHop, type HostResolver, type NextHop } from './target.js';
import { ourVia, popTopVia, topVia, viaCount } from './via.js';

export interface StatelessDeps {
  transport: TransportLayerApi;
  transactions: TransactionLayerApi;
  resolve: HostResolver;
  logger: ProxyLogger | undefined;
  userAgent: string;
}

export type PreparedRequest = { message: SipMessage; hop: NextHop } | { tooManyHops: true };

/**
 * The forwarded copy of a request routed through us: our Route entries popped (RFC 3261 §16.4),
 * Max-Forwards decremented (§16.6 step 3; 0 → 483, §16.3 step 3), next hop from the next Route or
 * the Request-URI (§16.6 steps 6-7, with the strict-router rewrite of step 6).
 */
export function prepareRoutedRequest(original: SipMessage, isLocal: IsLocal): PreparedRequest {
  const m = original.clone();
  const mfText = m.get('max-forwards');
  const mf = mfText === undefined ? 70 : Number.parseInt(mfText, 10);
  if (!Number.isFinite(mf) || mf <= 0) return { tooManyHops: true };
  m.set('Max-Forwards', String(mfText === undefined ? 70 : mf - 1));
  const entries = stripOwnRoutes(routeEntries(m), isLocal);
  const first = entries[0];
  const firstUri = first === undefined ? undefined : routeUri(first);
  let hop: NextHop;
  if (first !== undefined && firstUri && m.startLine.kind === 'request') {
    if (!firstUri.params.has('lr')) {
      // RFC 3261 §16.6 step 6: the next hop is a strict router.
      entries.push(`<${m.startLine.uri}>`);
      entries.shift();
      m.startLine.uri = parseNameAddr(first).uri;
    }
    hop = nextHopOf(firstUri);
  } else {
    hop = nextHopOf(parseUri(m.startLine.kind === 'request' ? m.startLine.uri : ''));
  }
  setRouteEntries(m, entries);
  return { message: m, hop };
}

/**
 * RFC 3261 §16.11: a stateless proxy's branch must be the same for retransmissions of a request, so
 * it is a hash of what identifies the request (top Via, Call-ID, CSeq number, tags, Request-URI).
 */
export function statelessBranch(m: SipMessage): string {
  const uri = m.startLine.kind === 'request' ? m.startLine.uri : '';
  const seq = (m.get('cseq') ?? '').trim().split(/\s+/)[0] ?? '';
  const parts = [
    m.get('via') ?? '',
    m.get('call-id') ?? '',
    seq,
    getTag(m.get('from') ?? ''),
    getTag(m.get('to') ?? ''),
    uri,
  ];
  return `${BRANCH_COOKIE}sl${createHash('sha1').update(parts.join('\n')).digest('hex').slice(0, 24)}`;
}

/** Forwards a prepared request statelessly, with our Via on top (RFC 3261 §16.11). */
export async function forwardRoutedRequest(
  inbound: InboundMessage,
  prepared: PreparedRequest,
  deps: StatelessDeps,
): Promise<void> {
  if ('tooManyHops' in prepared) {
    if (inbound.message.method === 'ACK') return; // never answer an ACK (RFC 3261 §17.2.3)
    const res = buildLocalResponse(inbound.message, 483, undefined, deps.userAgent);
    await deps.transactions.sendStateless(res, deps.transactions.responseTarget(inbound));
    return;
  }
  const hop = await resolveHop(prepared.hop, deps.transport, deps.resolve);
  prepared.message.prepend('Via', ourVia(hop.local, statelessBranch(inbound.message)));
  await deps.transactions.sendStateless(prepared.message, hop.target);
}

/** Forwards a prepared request through a client transaction, relaying the responses to `txn`. */
export async function forwardRoutedRequestStatefully(
  txn: ServerTransaction,
  prepared: PreparedRequest,
  deps: StatelessDeps,
): Promise<void> {
  if ('tooManyHops' in prepared) {
    await txn.respond(buildLocalResponse(txn.request.message, 483, undefined, deps.userAgent)); // RFC 3261 §16.3 step 3
    return;
  }
  const hop = await resolveHop(prepared.hop, deps.transport, deps.resolve);
  relayThrough(prepared.message, hop.target, hop.local, txn, deps);
}

/**
 * Spec §3.2 step 10: a response matching no transaction, with our Via on top and another below it,
 * is forwarded statelessly to that Via's hop (RFC 3261 §16.11, §18.2.2). False when not ours.
 */
export function forwardStrayResponse(inbound: InboundMessage, deps: StatelessDeps): boolean {
  const m = inbound.message;
  if (m.isRequest || viaCount(m) < 2) return false;
  const top = topVia(m);
  if (!top || !deps.transport.isLocal(top.host, top.port)) return false;
  const out = m.clone();
  popTopVia(out);
  const next = topVia(out);
  if (!next) return false;
  void resolveHop(viaHop(next), deps.transport, deps.resolve)
    .then((hop) => deps.transactions.sendStateless(out, hop.target))
    .catch((err: unknown) => deps.logger?.warn('proxy: stray response not forwarded', err));
  return true;
}
