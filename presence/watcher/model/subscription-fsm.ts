/**
 * The lifecycle of one presence subscription seen from the subscriber (RFC 6665 §4.1.2, whose
 * diagram this follows; its `init` is `idle`, its `notify_wait` is the part of `subscribing` after
 * the 2xx). No I/O here: states, the one transition function, and which states need a timer.
 *
 * ```
 *   idle ──start──▶ subscribing ──NOTIFY active──▶ active ◀──2xx── refreshing
 *                     │  │  └──NOTIFY pending──▶ pending ─┘  ▲        │
 *                     │  │                        │  (refresh timer)  │ 481 / 408 / lapse
 *                     │  └─failure / Timer N──▶ waiting-retry ◀───────┘
 *                     │                          │ (backoff timer) ──▶ subscribing
 *                     └─ rejected / noresource / invariant / stop ──▶ terminated
 * ```
 * Every state but `idle` and `terminated` is transient and owns exactly one timer:
 * subscribing → Timer N (RFC 6665 §4.1.2.4), pending/active → refresh (§4.1.2.2), refreshing →
 * the subscription's expiry, waiting-retry → the retry delay.
 */
import { WatcherError } from '../errors.js';

export const SUBSCRIPTION_STATES = [
  'idle',
  'subscribing',
  'pending',
  'active',
  'refreshing',
  'waiting-retry',
  'terminated',
] as const;

export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

/** Allowed moves. A self-move re-arms the state's timer (e.g. a NOTIFY with a new `expires`). */
const MOVES: Readonly<Record<SubscriptionState, readonly SubscriptionState[]>> = {
  idle: ['subscribing', 'terminated'],
  subscribing: ['subscribing', 'pending', 'active', 'waiting-retry', 'terminated'],
  pending: ['pending', 'active', 'refreshing', 'subscribing', 'waiting-retry', 'terminated'],
  active: ['active', 'pending', 'refreshing', 'subscribing', 'waiting-retry', 'terminated'],
  refreshing: ['refreshing', 'pending', 'active', 'subscribing', 'waiting-retry', 'terminated'],
  'waiting-retry': ['subscribing', 'terminated'],
  terminated: [],
};

/** States that must own a timer while the subscription is in them (design §6). */
const TIMED: ReadonlySet<SubscriptionState> = new Set([
  'subscribing',
  'pending',
  'active',
  'refreshing',
  'waiting-retry',
]);

export function isTransient(state: SubscriptionState): boolean {
  return TIMED.has(state);
}

export function canMove(from: SubscriptionState, to: SubscriptionState): boolean {
  return MOVES[from].includes(to);
}

/**
 * The one transition function: returns `to` when the move is allowed, throws otherwise. A
 * transient target must come with its timer (`hasTimer`), so no state can be entered that would
 * wait forever.
 */
export function transition(
  from: SubscriptionState,
  to: SubscriptionState,
  hasTimer: boolean,
): SubscriptionState {
  if (!canMove(from, to)) {
    throw new WatcherError(
      'illegal-subscription-transition',
      `subscription cannot move from ${from} to ${to}`,
    );
  }
  if (isTransient(to) && !hasTimer) {
    throw new WatcherError('missing-state-timer', `subscription state ${to} needs a timer`);
  }
  return to;
}
