/**
 * One customer's subscription to a queue or service presence URI (notifier side, RFC 6665 §4.2).
 *
 * ```
 *                 refresh                                   refresh
 *                 ┌─────┐                                   ┌─────┐
 *  200 ──▶ active ◀─────┘      200 (politely blocked) ──▶ pending ◀┘     RFC 6665 §4.2.1.2, RFC 5025
 *            │                                              │
 *            │ unsubscribe / expire / remove / shutdown       │ reject / unsubscribe / expire / shutdown
 *            ▼                                              ▼
 *        terminating ── final-notify-done ──▶ terminated ◀── notify-gone (481/408, RFC 6665 §4.2.2)
 * ```
 * `terminating` always has a guard timer (its final NOTIFY may never be answered). The reason of
 * the final NOTIFY: timeout (unsubscribe, expire), noresource (the queue was removed), deactivated
 * (shutdown: re-subscribe elsewhere at once), rejected (politely blocked watcher).
 */
import { QueuePresenceError } from '../errors.js';

export type QueueSubscriptionState = 'pending' | 'active' | 'terminating' | 'terminated';

export type QueueSubscriptionEvent =
  | 'refresh'
  | 'unsubscribe'
  | 'expire'
  | 'remove'
  | 'shutdown'
  | 'reject'
  | 'notify-gone'
  | 'final-notify-done';

export type TerminationReason = 'timeout' | 'noresource' | 'deactivated' | 'rejected';

const ENDINGS = {
  unsubscribe: 'terminating',
  expire: 'terminating',
  shutdown: 'terminating',
  'notify-gone': 'terminated',
} as const;

const MOVES: Readonly<
  Record<QueueSubscriptionState, Partial<Record<QueueSubscriptionEvent, QueueSubscriptionState>>>
> = {
  pending: { refresh: 'pending', reject: 'terminating', ...ENDINGS },
  active: { refresh: 'active', remove: 'terminating', ...ENDINGS },
  terminating: { 'notify-gone': 'terminated', 'final-notify-done': 'terminated' },
  terminated: {},
};

export function queueSubscriptionTransition(
  state: QueueSubscriptionState,
  event: QueueSubscriptionEvent,
): QueueSubscriptionState {
  const next = MOVES[state][event];
  if (next === undefined) {
    throw new QueuePresenceError(
      'illegal-subscription-transition',
      `queue subscription: ${event} not allowed in ${state}`,
    );
  }
  return next;
}

/** RFC 6665 §4.2.2 reasons of the final NOTIFY. */
export function terminationReasonOf(
  event: 'unsubscribe' | 'expire' | 'remove' | 'shutdown' | 'reject',
): TerminationReason {
  switch (event) {
    case 'remove':
      return 'noresource';
    case 'shutdown':
      return 'deactivated';
    case 'reject':
      return 'rejected';
    default:
      return 'timeout';
  }
}
