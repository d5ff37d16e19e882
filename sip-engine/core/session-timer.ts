/**
 * RFC 4028 session timers (spec §3.5). The refresher re-INVITEs with the last local SDP at half
 * the interval (§7.4, §10); a 491 re-arms, any other failure ends the call. When the peer is the
 * refresher and stays silent, the engine hangs up before the session expires (§10:
 * interval − min(32 s, interval/3)) with `Session timer expired`.
 */
import { parseSessionExpires } from '../message/headers.js';
import type { SipMessage } from '../message/sip-message.js';
import type { SessionExpires } from '../message/types.js';
import type { CoreContext } from './context.js';
import type { Dialog } from './dialog.js';
import { hangUp, sendEngineRequest } from './engine-requests.js';
import { hasOptionTag } from './header-rules.js';

export type Refresher = 'uac' | 'uas';

function readSe(msg: SipMessage): SessionExpires | undefined {
  const v = msg.get('session-expires');
  if (v === undefined) return undefined;
  try {
    return parseSessionExpires(v);
  } catch {
    return undefined;
  }
}

/**
 * RFC 4028 §9: what a UAS puts in its 2xx when the request asked for a session timer and the app
 * did not answer with its own Session-Expires. Returns the headers to add and the arming data.
 */
export function uasSessionTimer(
  ctx: CoreContext,
  req: SipMessage,
  appGaveSe: boolean,
): { headers: { name: string; value: string }[]; intervalS: number; refresher: Refresher } | undefined {
  const cfg = ctx.config.sessionTimer;
  const se = readSe(req);
  if (!se || cfg.intervalS === 0 || appGaveSe) return undefined;
  const uacSupports =
    hasOptionTag(req.getAll('supported'), 'timer') || hasOptionTag(req.getAll('require'), 'timer');
  // §9: the UAS keeps the requested refresher, else picks one; uac only if the UAC supports timers.
  const refresher: Refresher = se.refresher ?? (uacSupports ? cfg.refresher : 'uas');
  const headers = [{ name: 'Session-Expires', value: `${se.deltaSeconds};refresher=${refresher}` }];
  if (refresher === 'uac') headers.push({ name: 'Require', value: 'timer' });
  return { headers, intervalS: se.deltaSeconds, refresher };
}

/** RFC 4028 §7.2: a UAC reads the interval and refresher from the 2xx. */
export function uacSessionTimer(res: SipMessage): { intervalS: number; refresher: Refresher } | undefined {
  const se = readSe(res);
  if (!se || se.deltaSeconds === 0) return undefined;
  return { intervalS: se.deltaSeconds, refresher: se.refresher ?? 'uac' };
}

/**
 * (Re-)arms the dialog's session timer (RFC 4028 §10): refresh at half the interval when we are
 * the refresher, else expect a refresh before the interval runs out.
 */
export function armSessionTimer(ctx: CoreContext, d: Dialog, intervalS: number, weRefresh: boolean): void {
  d.sessionTimer?.cancel();
  d.sessionIntervalS = intervalS;
  d.weRefresh = weRefresh;
  const ms = intervalS * 1000;
  d.sessionTimer = d.weRefresh
    ? ctx.clock.setTimer(() => refresh(ctx, d), ms / 2)
    : ctx.clock.setTimer(() => expire(ctx, d), ms - Math.min(32_000, ms / 3));
}

/** Peer refreshed (its re-INVITE or UPDATE got our 2xx): restart the clock with the same terms. */
export function sessionRefreshed(ctx: CoreContext, d: Dialog, req?: SipMessage): void {
  if (d.sessionIntervalS === 0 || d.isTerminated) return;
  const se = req ? readSe(req) : undefined;
  const interval = se?.deltaSeconds ?? d.sessionIntervalS;
  // The peer sent this request: refresher=uac names the peer, uas names us.
  const weRefresh = se?.refresher === undefined ? d.weRefresh : se.refresher === 'uas';
  armSessionTimer(ctx, d, interval, weRefresh);
}

function expire(ctx: CoreContext, d: Dialog): void {
  d.sessionTimer = undefined;
  hangUp(ctx, d, 'Session timer expired', 'session-expired');
}

function refresh(ctx: CoreContext, d: Dialog): void {
  d.sessionTimer = undefined;
  if (d.isTerminated) return;
  // RFC 3261 §14.1: one INVITE at a time; try again shortly if the app's re-INVITE is running.
  if (d.outgoingInviteTxnId !== undefined || d.incomingInviteTxnId !== undefined) {
    d.sessionTimer = ctx.clock.setTimer(() => refresh(ctx, d), 2 * ctx.config.timers.t1Ms);
    return;
  }
  // RFC 4028 §7.4: in our refresh we are the UAC and keep refreshing.
  const headers = [
    { name: 'Session-Expires', value: `${d.sessionIntervalS};refresher=uac` },
    { name: 'Supported', value: 'timer' },
  ];
  const body = d.localSdp
    ? { data: Buffer.from(d.localSdp, 'utf8'), contentType: 'application/sdp' }
    : undefined;
  sendEngineRequest(ctx, d, 'INVITE', headers, body, (leg) => {
    d.outgoingInviteTxnId = leg.txnId;
  });
}

/** The response to our refresh re-INVITE (spec §3.5): 2xx re-arms, 491 retries, else hang up. */
export function onRefreshResponse(ctx: CoreContext, d: Dialog, res: SipMessage): void {
  d.outgoingInviteTxnId = undefined;
  const status = res.status;
  if (status >= 200 && status < 300) {
    const st = uacSessionTimer(res);
    armSessionTimer(ctx, d, st?.intervalS ?? d.sessionIntervalS, st ? st.refresher === 'uac' : true);
  } else if (status === 491) {
    d.sessionTimer = ctx.clock.setTimer(() => refresh(ctx, d), 2000);
  } else {
    hangUp(ctx, d, 'Session timer expired', 'session-expired');
  }
}
