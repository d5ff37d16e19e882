/**
 * RFC 3262 on the UAS side (spec §3.3): a 1xx the app marks `Require: 100rel` is sent reliably —
 * RSeq added, retransmitted from T1 doubling until the PRACK arrives, for at most 64·T1 (§3).
 * The PRACK itself goes to the app as an in-dialog request with a fresh transaction id.
 */
import { parseRAck } from '../message/headers.js';
import type { SipMessage } from '../message/sip-message.js';
import type { CoreContext } from './context.js';
import { hasOptionTag } from './header-rules.js';
import type { UasLeg } from './uas-leg.js';

/** RFC 3262 §3: the UAC offered 100rel (Supported or Require). */
export function peerSupports100rel(leg: UasLeg): boolean {
  const m = leg.inbound.message;
  return hasOptionTag(m.getAll('supported'), '100rel') || hasOptionTag(m.getAll('require'), '100rel');
}

/** RFC 3262 §3: RSeq starts anywhere in 1..2**31-1 and increases by one per reliable 1xx. */
export function nextRseq(leg: UasLeg): number {
  leg.lastRseq = leg.lastRseq === 0 ? 1 + Math.floor(Math.random() * 10000) : leg.lastRseq + 1;
  return leg.lastRseq;
}

/** Starts retransmitting a reliable 1xx already sent once (replaces any earlier one). */
export function startReliable(ctx: CoreContext, leg: UasLeg, response: SipMessage, rseq: number): void {
  stopReliable(leg);
  const t1 = ctx.config.timers.t1Ms;
  const resend = (): void => {
    const r = leg.reliable;
    if (!r || !leg.open) return;
    ctx.metrics.retransmission('reliable-1xx');
    leg.txn
      .respond(response)
      .catch((err: unknown) => ctx.logger.debug({ err }, 'reliable 1xx resend failed'));
    r.intervalMs *= 2;
    r.timer = ctx.clock.setTimer(resend, r.intervalMs);
  };
  leg.reliable = {
    rseq,
    intervalMs: t1,
    timer: ctx.clock.setTimer(resend, t1),
    // RFC 3262 §3: give up retransmitting after 64·T1.
    giveUp: ctx.clock.setTimer(() => stopReliable(leg), 64 * t1),
  };
}

export function stopReliable(leg: UasLeg): void {
  const r = leg.reliable;
  if (!r) return;
  r.timer?.cancel();
  r.giveUp.cancel();
  leg.reliable = undefined;
}

/** RFC 3262 §4: a PRACK whose RAck matches the outstanding reliable 1xx stops its retransmission. */
export function onPrack(leg: UasLeg | undefined, prack: SipMessage): void {
  if (!leg?.reliable) return;
  let rack;
  try {
    rack = parseRAck(prack.get('rack') ?? '');
  } catch {
    return;
  }
  if (rack.rseq === leg.reliable.rseq && rack.seq === leg.cseq && rack.method === 'INVITE') stopReliable(leg);
}
