/**
 * The notifier's side of one subscription (RFC 6665 §4.2), for the presence (RFC 3856) and dialog
 * (RFC 4235) packages.
 *
 * ```
 *            refresh (new expiry, NOTIFY)               RFC 6665 §4.2.1.4, §4.2.1.2
 *            ┌──────┐
 *  200 + ──▶ active ── unsubscribe / expire / shutdown ──▶ terminating ── final-notify-done ──▶ terminated
 *  NOTIFY       │        (final NOTIFY: terminated)            │          (its answer, or the guard timer)
 *               └──────────────── notify-gone ─────────────────┴─────────────────────────────▶ terminated
 *                        (a NOTIFY answered 481 or timed out: RFC 6665 §4.2.2, no further NOTIFY)
 * ```
 * `terminating` is transient and always has a guard timer (the final NOTIFY may never be answered).
 */
import { PresenceServerError } from '../errors.js';

export type SubscriptionState = 'active' | 'terminating' | 'terminated';

export type SubscriptionEvent =
  'refresh' | 'unsubscribe' | 'expire' | 'shutdown' | 'notify-gone' | 'final-notify-done';

const MOVES: Readonly<Record<SubscriptionState, Partial<Record<SubscriptionEvent, SubscriptionState>>>> = {
  active: {
    refresh: 'active',
    unsubscribe: 'terminating',
    expire: 'terminating',
    shutdown: 'terminating',
    'notify-gone': 'terminated',
  },
  terminating: { 'notify-gone': 'terminated', 'final-notify-done': 'terminated' },
  terminated: {},
};

/** The one transition function: the next state, or PresenceServerError for a move not in MOVES. */
export function subscriptionTransition(
  state: SubscriptionState,
  event: SubscriptionEvent,
): SubscriptionState {
  const next = MOVES[state][event];
  if (next === undefined) {
    throw new PresenceServerError(
      'illegal-subscription-transition',
      `subscription: ${event} not allowed in ${state}`,
    );
  }
  return next;
}

/**
 * RFC 6665 §4.2.2 reason of the final NOTIFY's `Subscription-State: terminated`: `timeout` when the
 * subscription ran out (expired, or Expires: 0 from the subscriber), `deactivated` at shutdown so
 * the subscriber re-subscribes at once (to another instance).
 */
export function terminationReason(event: 'unsubscribe' | 'expire' | 'shutdown'): 'timeout' | 'deactivated' {
  return event === 'shutdown' ? 'deactivated' : 'timeout';
}
