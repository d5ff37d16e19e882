/**
 * What sending a response does to the leg and its dialog (spec §3.3, §3.5), applied before the
 * response is serialised so the engine's own headers (RSeq, Session-Expires) are in it:
 * - INVITE 1xx with a tag: early dialog; reliable 1xx: RSeq + retransmission (RFC 3262 §3);
 * - INVITE 2xx: dialog confirmed, 2xx retransmission and ACK wait (RFC 3261 §13.3.1.4), session
 *   timer (RFC 4028 §9), CDR start;
 * - INVITE ≥300: early dialog dropped, CDR stop `call-rejected`;
 * - SUBSCRIBE 2xx: dialog (RFC 6665 §4.1.2.1); re-INVITE/UPDATE 2xx: session refreshed.
 */
import { cdrStart, cdrStop } from './cdr.js';
import type { SipMessage } from '../message/sip-message.js';
import type { CoreContext } from './context.js';
import { endDialog } from './dialog-ops.js';
import { startAckWait } from './ack-wait.js';
import { nextRseq, startReliable } from './prack.js';
import { armSessionTimer, sessionRefreshed, uacSessionTimer, uasSessionTimer } from './session-timer.js';
import { onSubscribeAccepted } from './subscription-expiry.js';
import { ensureUasDialog } from './uas-dialog.js';
import type { UasLeg } from './uas-leg.js';

export interface EffectOptions {
  reliable: boolean;
  appGaveSe: boolean;
}

/** §2.7: Contact on 2xx to initial INVITE/SUBSCRIBE, reliable 1xx, and responses to in-dialog INVITE/SUBSCRIBE. */
export function wantsAutoContact(leg: UasLeg, status: number, reliable: boolean): boolean {
  if (status === 100 || (leg.method !== 'INVITE' && leg.method !== 'SUBSCRIBE')) return false;
  if (leg.kind === 'in-dialog') return true;
  if (leg.kind !== 'initial') return false;
  return (status >= 200 && status < 300) || reliable;
}

function finish(ctx: CoreContext, leg: UasLeg): void {
  leg.to('completed');
  ctx.uas.remove(leg);
}

function invite1xx(ctx: CoreContext, leg: UasLeg, res: SipMessage, opts: EffectOptions): void {
  leg.to('proceeding');
  if (leg.localTag === undefined) return;
  ensureUasDialog(ctx, leg, res, 'INVITE');
  if (!opts.reliable) return;
  const rseq = nextRseq(leg);
  res.headers.push({ name: 'RSeq', value: String(rseq) });
  startReliable(ctx, leg, res, rseq);
}

function invite2xx(ctx: CoreContext, leg: UasLeg, res: SipMessage, opts: EffectOptions): void {
  const st = uasSessionTimer(ctx, leg.inbound.message, opts.appGaveSe);
  if (st) for (const h of st.headers) res.headers.push(h);
  const d = ensureUasDialog(ctx, leg, res, 'INVITE');
  if (d.state === 'early') d.to('confirmed');
  d.uasInviteTxnId = undefined;
  if (res.body.length) d.localSdp = res.body.toString('utf8');
  leg.stopTimers();
  leg.to('accepted');
  startAckWait(ctx, d, leg, res);
  if (st) armSessionTimer(ctx, d, st.intervalS, st.refresher === 'uas');
  else if (opts.appGaveSe) {
    const own = uacSessionTimer(res);
    if (own) armSessionTimer(ctx, d, own.intervalS, own.refresher === 'uas');
  }
  cdrStart(ctx, 'application', 'uas', res);
}

function initialInvite(ctx: CoreContext, leg: UasLeg, res: SipMessage, opts: EffectOptions): void {
  const status = res.status;
  if (status < 200) return invite1xx(ctx, leg, res, opts);
  if (status < 300) return invite2xx(ctx, leg, res, opts);
  finish(ctx, leg);
  if (leg.dialog?.state === 'early') endDialog(ctx, leg.dialog, 'rejected');
  cdrStop(ctx, 'application', 'call-rejected', res);
}

function inDialog(ctx: CoreContext, leg: UasLeg, res: SipMessage): void {
  const status = res.status;
  const d = leg.dialog;
  if (status < 200) {
    leg.to('proceeding');
    return;
  }
  const ok = status < 300;
  if (leg.method === 'INVITE' && d) {
    d.incomingInviteTxnId = undefined;
    if (ok && !d.isTerminated) {
      if (res.body.length) d.localSdp = res.body.toString('utf8');
      leg.stopTimers();
      leg.to('accepted');
      startAckWait(ctx, d, leg, res);
      sessionRefreshed(ctx, d, leg.inbound.message);
      return;
    }
  }
  if (ok && leg.method === 'UPDATE' && d) sessionRefreshed(ctx, d, leg.inbound.message);
  // RFC 6665 §4.2.1.2: a refreshing SUBSCRIBE's 2xx sets the new duration.
  if (ok && leg.method === 'SUBSCRIBE' && d) onSubscribeAccepted(ctx, d, leg.inbound.message, res);
  finish(ctx, leg);
}

export function applyResponseEffects(
  ctx: CoreContext,
  leg: UasLeg,
  res: SipMessage,
  opts: EffectOptions,
): void {
  const status = res.status;
  if (status === 100) return;
  if (leg.kind === 'in-dialog') return inDialog(ctx, leg, res);
  if (leg.kind === 'early-update') {
    if (status < 200) leg.to('proceeding');
    else leg.to('completed');
    return;
  }
  if (leg.method === 'INVITE') return initialInvite(ctx, leg, res, opts);
  if (status < 200) {
    leg.to('proceeding');
    return;
  }
  finish(ctx, leg);
  if (leg.method === 'SUBSCRIBE' && status < 300) {
    const d = ensureUasDialog(ctx, leg, res, 'SUBSCRIBE');
    if (d.state === 'early') d.to('confirmed');
    onSubscribeAccepted(ctx, d, leg.inbound.message, res);
  }
}
