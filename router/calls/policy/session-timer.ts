/**
 * RFC 4028 session timers on the B2BUA's legs: which Session-Expires each leg carries, so a leg
 * whose peer vanished (crashed phone, lost BYE, dead NAT binding) is refreshed in vain or expires,
 * and the engine tears it down (BYE "Session timer expired") — the bridge then ends the other leg
 * and the agent goes to wrap-up. Pure: header values in, header values out.
 *
 *   agent / overflow leg (we are the UAC)   Session-Expires: N;refresher=uac + Supported: timer
 *   caller leg (we are the UAS, the 200)    the caller's request, capped at N, or N;refresher=uas
 *   in-dialog refresh (re-INVITE/UPDATE)    the request's interval echoed in our 2xx
 */

export type Refresher = 'uac' | 'uas';

/** RFC 4028 §4 and §5: no session interval below 90 s. */
export const MIN_SESSION_EXPIRES_S = 90;

export interface SessionExpires {
  readonly deltaSeconds: number;
  readonly refresher?: Refresher;
}

/** Parses `delta-seconds *(;se-params)` (RFC 4028 §4); undefined when malformed. */
export function parseSessionExpires(value: string | undefined): SessionExpires | undefined {
  if (value === undefined) return undefined;
  const [head = '', ...params] = value.split(';').map((p) => p.trim());
  if (!/^\d{1,10}$/.test(head)) return undefined;
  const deltaSeconds = Number(head);
  const r = params.map((p) => /^refresher\s*=\s*(uac|uas)$/i.exec(p)?.[1]).find((x) => x !== undefined);
  const refresher = r?.toLowerCase() as Refresher | undefined;
  return refresher ? { deltaSeconds, refresher } : { deltaSeconds };
}

/**
 * RFC 4028 §7.1: the initial INVITE of a leg we originate asks for a session timer with us as the
 * refresher, so a peer that vanished is found by our failed refresh (§10) whatever its own support.
 */
export function offerSessionHeaders(intervalS: number): Record<string, string> {
  return { 'Session-Expires': `${intervalS};refresher=uac`, Supported: 'timer' };
}

/** What the INVITE we answer said about session timers (header values as received). */
export interface SessionRequest {
  readonly sessionExpires?: string;
  readonly minSe?: string;
}

/**
 * RFC 4028 §9: the headers of our 2xx to the caller's INVITE.
 * - The request asked for an interval: keep it, or lower it to ours (never below its Min-SE, or
 *   90 s; never raised); keep its refresher, else pick `uas` (us).
 * - It did not: we still want one, so we insert ours with refresher `uas` — allowed whether or not
 *   the caller supports timers, since only we refresh (§9, last paragraphs).
 * `Require: timer` only when the caller is the refresher (§9).
 */
export function answerSessionHeaders(req: SessionRequest, intervalS: number): Record<string, string> {
  const asked = parseSessionExpires(req.sessionExpires);
  if (!asked) return { 'Session-Expires': `${intervalS};refresher=uas` };
  const floor = Math.max(MIN_SESSION_EXPIRES_S, Number(req.minSe ?? 0) || 0);
  const delta = Math.min(asked.deltaSeconds, Math.max(intervalS, floor));
  const refresher: Refresher = asked.refresher ?? 'uas';
  const headers: Record<string, string> = { 'Session-Expires': `${delta};refresher=${refresher}` };
  if (refresher === 'uac') headers.Require = 'timer';
  return headers;
}

/**
 * RFC 4028 §9 for a session refresh (re-INVITE or UPDATE inside the dialog): a 2xx without
 * Session-Expires would tell the refresher the session no longer expires (§7.2) and it would stop
 * refreshing — so the interval is echoed. Without a refresher in the request the sender keeps
 * refreshing (`uac`): at worst both sides refresh, never neither.
 */
export function refreshAnswerHeaders(sessionExpires: string | undefined): Record<string, string> {
  const asked = parseSessionExpires(sessionExpires);
  if (!asked) return {};
  const refresher: Refresher = asked.refresher ?? 'uac';
  return {
    'Session-Expires': `${asked.deltaSeconds};refresher=${refresher}`,
    ...(refresher === 'uac' ? { Require: 'timer' } : {}),
  };
}
