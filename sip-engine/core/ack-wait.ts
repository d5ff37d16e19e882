/**
 * UAS side of a 2xx to INVITE (RFC 3261 §13.3.1.4, spec §3.3): on UDP the engine retransmits the
 * 2xx itself, timer G from T1 doubling up to T2; after 64·T1 without ACK (timer H) it sends BYE
 * with `Reason: SIP ;cause=200 ;text="ACK timeout"` and tells the app with an unsolicited BYE.
 * The ACK stops both timers and goes to the app with a fresh transaction id.
 */
import type { SipMessage } from '../message/sip-message.js';
import type { InboundMessage } from '../transport/types.js';
import type { CoreContext } from './context.js';
import { deliver } from './context.js';
import type { Dialog } from './dialog.js';
import { completeAcceptedLeg } from './dialog-ops.js';
import { hangUp } from './engine-requests.js';
import { inDialogFrame } from './frames-out.js';
import { newTxnId } from './ids.js';
import { cseqOf } from './sip-fields.js';
import { responseTargetOf } from './uas-leg.js';
import type { UasLeg } from './uas-leg.js';

/** Timers get bound functions, not a closure per 2xx (the hot path of every answered call). */
export function startAckWait(ctx: CoreContext, d: Dialog, leg: UasLeg, response: SipMessage): void {
  const target = responseTargetOf(ctx.transactions, leg);
  const t1 = ctx.config.timers.t1Ms;
  const unreliable = target.protocol === 'udp';
  stopAckWait(d);
  d.ackWait = {
    cseq: leg.cseq,
    legTxnId: leg.txnId,
    response,
    data: undefined,
    target,
    intervalMs: t1,
    retransmit: unreliable ? ctx.clock.setTimer(retransmit2xx.bind(undefined, ctx, d), t1) : undefined,
    giveUp: ctx.clock.setTimer(ackTimeout.bind(undefined, ctx, d), 64 * t1),
  };
}

export function stopAckWait(d: Dialog): void {
  const w = d.ackWait;
  if (!w) return;
  w.retransmit?.cancel();
  w.giveUp.cancel();
  d.ackWait = undefined;
}

/** Timer G: re-send the 2xx, doubling the interval up to T2 (RFC 3261 §13.3.1.4). */
function retransmit2xx(ctx: CoreContext, d: Dialog): void {
  const w = d.ackWait;
  if (!w || d.isTerminated) return;
  ctx.metrics.retransmission('2xx');
  w.data ??= w.response.toBuffer();
  ctx.transport.send(w.data, w.target).catch((err: unknown) => {
    ctx.logger.debug({ err, dialogId: d.id }, '2xx retransmission failed');
  });
  w.intervalMs = Math.min(w.intervalMs * 2, ctx.config.timers.t2Ms);
  w.retransmit = ctx.clock.setTimer(() => retransmit2xx(ctx, d), w.intervalMs);
}

/** Timer H fired: no ACK (spec §3.3). */
function ackTimeout(ctx: CoreContext, d: Dialog): void {
  const w = d.ackWait;
  if (!w) return;
  w.retransmit?.cancel();
  d.ackWait = undefined;
  completeAcceptedLeg(ctx, w.legTxnId);
  ctx.logger.info({ dialogId: d.id }, 'no ACK for 2xx: hanging up');
  hangUp(ctx, d, 'ACK timeout', 'system-initiated-termination');
}

/**
 * An ACK for a 2xx (the transaction layer passes those up without a transaction, RFC 3261 §17.2.1).
 * Stray and retransmitted ACKs are absorbed (spec §3.2 step 9).
 */
export function onAck(ctx: CoreContext, inbound: InboundMessage, d: Dialog | undefined): void {
  if (!d) return;
  const w = d.ackWait;
  const seq = cseqOf(inbound.message)?.seq;
  if (!w || w.cseq !== seq) return;
  stopAckWait(d);
  completeAcceptedLeg(ctx, w.legTxnId);
  deliver(ctx, d.app, inDialogFrame(inbound, newTxnId(), d.id));
}
