/**
 * SUBSCRIBE dialogs end when their subscription runs out (RFC 6665 §4.1.2.1, §4.2.1.1: the
 * duration is the Expires of the 2xx to the SUBSCRIBE; §4.1.2.3 and §4.2.2: a NOTIFY's
 * `Subscription-State: active;expires=N` may shorten it). Each refresh re-arms the timer. Without
 * one, a watcher that vanished would leave its dialog in the engine forever.
 *
 * The engine waits 64·T1 past the expiry before it forgets the dialog, so the notifier app can
 * still send its final `terminated;reason=timeout` NOTIFY (RFC 6665 §4.2.2) and the subscriber
 * app can receive it. Then the app is told with an unsolicited BYE frame (srf `destroy` with
 * reason "Subscription expired"); nothing is sent on the wire.
 */
import { parseSubscriptionState } from '../message/headers.js';
import type { SipMessage } from '../message/sip-message.js';
import type { CoreContext } from './context.js';
import type { Dialog } from './dialog.js';
import { forgetDialog } from './engine-requests.js';

export const SUBSCRIPTION_EXPIRED_REASON = 'Subscription expired';
/** RFC 3856 §6.4: the presence package's default duration when no Expires is given. */
export const DEFAULT_SUBSCRIPTION_S = 3600;

function seconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  return /^\d{1,10}$/.test(v) ? Number(v) : undefined;
}

/** Arms (or re-arms) the expiry of `d` at `durationS` from now, plus the 64·T1 grace. */
export function armSubscriptionExpiry(ctx: CoreContext, d: Dialog, durationS: number): void {
  if (d.usage !== 'SUBSCRIBE' || d.isTerminated) return;
  d.subscriptionExpiry?.cancel();
  const graceMs = 64 * ctx.config.timers.t1Ms;
  d.subscriptionExpiry = ctx.clock.setTimer(
    expire.bind(undefined, ctx, d),
    Math.min(durationS * 1000 + graceMs, 2 ** 31 - 1),
  );
}

function expire(ctx: CoreContext, d: Dialog): void {
  d.subscriptionExpiry = undefined;
  ctx.logger.info({ dialogId: d.id }, 'subscription expired without refresh: dialog ended');
  forgetDialog(ctx, d, SUBSCRIPTION_EXPIRED_REASON, 'system-initiated-termination');
}

/**
 * RFC 6665 §4.1.2.1 / §4.2.1.1: a 2xx to a SUBSCRIBE (initial or refresh) fixes the duration: its
 * Expires, else the request's, else the package default.
 */
export function onSubscribeAccepted(
  ctx: CoreContext,
  d: Dialog,
  request: SipMessage,
  response: SipMessage,
): void {
  const s = seconds(response.get('expires')) ?? seconds(request.get('expires')) ?? DEFAULT_SUBSCRIPTION_S;
  armSubscriptionExpiry(ctx, d, s);
}

/** RFC 6665 §4.1.3 / §4.2.2: a non-terminating NOTIFY's `expires` parameter is the time left. */
export function onNotifyState(ctx: CoreContext, d: Dialog, notify: SipMessage): void {
  if (d.usage !== 'SUBSCRIBE') return;
  try {
    const st = parseSubscriptionState(notify.get('subscription-state') ?? '');
    if (st.state !== 'terminated' && st.expires !== undefined) armSubscriptionExpiry(ctx, d, st.expires);
  } catch {
    // A malformed Subscription-State changes nothing; the app sees the NOTIFY as it came.
  }
}
