/**
 * Entry points for what the transaction layer passes up (spec §3.2 order): record-routed requests
 * and stray responses go to the proxy core first; ACKs for 2xx to the dialog layer; requests with a
 * To tag to the in-dialog path, the rest to stateless pre-processing. Input the parser could not
 * read gets a 400 when a response is possible (§3.2 step 2), else is dropped.
 */
import type { ServerTransaction } from '../transaction/types.js';
import type { InboundMessage, MalformedInput } from '../transport/types.js';
import { onAck } from './ack-wait.js';
import type { CoreContext } from './context.js';
import { onInDialogRequest } from './in-dialog-in.js';
import { buildResponse } from './responses.js';
import { fromTagOf, toTagOf } from './sip-fields.js';
import { onOutOfDialogRequest } from './stateless.js';
import { resendAck } from './uac-forks.js';
import { newLocalTag } from './ids.js';

export function onNetworkRequest(
  ctx: CoreContext,
  inbound: InboundMessage,
  txn: ServerTransaction | undefined,
): void {
  const msg = inbound.message;
  // §3.2 step 4: a mid-dialog request of a call we record-routed as a proxy. With its server
  // transaction (anything but ACK) it is relayed through a client transaction, so the server
  // transaction gets the final response (RFC 3261 §16.7, §17.2.2); an ACK is forwarded statelessly.
  if (ctx.proxy?.tryStatelessForward(inbound, txn)) return;
  const toTag = toTagOf(msg);
  if (!txn) {
    // RFC 3261 §17.2.3: an ACK that matched no INVITE transaction acknowledges a 2xx.
    const d = ctx.dialogs.matchRequest(msg.get('call-id') ?? '', fromTagOf(msg), toTag);
    onAck(ctx, inbound, d);
    return;
  }
  ctx.metrics.request('in', msg.method);
  if (msg.method === 'PRACK' && ctx.proxy?.handlePrack?.(inbound, txn)) return;
  if (toTag !== undefined) onInDialogRequest(ctx, inbound, txn, toTag);
  else onOutOfDialogRequest(ctx, inbound, txn);
}

/** §3.2 step 10: a response matching no transaction: proxy forwarding, or a 2xx retransmission. */
export function onStrayResponse(ctx: CoreContext, inbound: InboundMessage): void {
  if (ctx.proxy?.handleResponse(inbound)) return;
  const msg = inbound.message;
  if (msg.method !== 'INVITE' || msg.status < 200 || msg.status >= 300) return;
  const d = ctx.dialogs.matchResponse(msg.get('call-id') ?? '', fromTagOf(msg));
  // RFC 3261 §13.2.2.4: the 2xx was retransmitted after our transaction ended: re-send the ACK.
  if (d && toTagOf(msg) === d.remoteTag) resendAck(ctx, d);
}

/** §3.2 step 2, RFC 3261 §8.2 / §21.4.1: 400 for a request we could partly read; ACK never answered. */
export function onMalformed(ctx: CoreContext, m: MalformedInput): void {
  ctx.metrics.rejected('malformed');
  const p = m.partial;
  if (!p?.isRequest || p.method === 'ACK' || !p.get('via')) return;
  const res = buildResponse(p, 400, { toTag: newLocalTag(), reason: 'Bad Request' });
  const fake: InboundMessage = {
    message: p,
    source: m.source,
    local: m.local,
    receivedAt: ctx.clock.wallNow(),
    bytes: m.raw.length,
  };
  try {
    const target = ctx.transactions.responseTarget(fake);
    ctx.metrics.response('out', 400);
    ctx.transactions
      .sendStateless(res, target)
      .catch((err: unknown) => ctx.logger.debug({ err }, '400 not sent'));
  } catch (err) {
    ctx.logger.debug({ err, reason: m.reason }, 'malformed input dropped');
  }
}
