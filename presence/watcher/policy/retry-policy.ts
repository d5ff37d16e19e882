/**
 * Pure decisions of the subscriber: when to refresh, how long to back off, and what to do after a
 * failed SUBSCRIBE or a terminated subscription (RFC 6665 §4.1.2.2, §4.1.3). Randomness comes in
 * as a function so tests pin it.
 */

export interface RetryPolicy {
  /** First backoff delay. */
  readonly baseDelayMs: number;
  /** Cap of the exponential backoff. */
  readonly maxDelayMs: number;
  /**
   * How many re-subscriptions in a row may go out at once (deactivated, timeout, 481) before the
   * backoff applies: a notifier that ends every new subscription at once must not cause a loop.
   */
  readonly maxImmediateRetries: number;
}

export interface RefreshPolicy {
  /** Refresh between these fractions of the remaining lifetime (spreads many refreshes out). */
  readonly minFraction: number;
  readonly maxFraction: number;
}

/** Why a subscription ended for good: reported, never retried. */
export type GiveUpReason = 'rejected' | 'noresource' | 'invariant' | 'auth-required';

export type NextStep =
  | { readonly kind: 'resubscribe-now' }
  | { readonly kind: 'retry-later'; readonly delayMs: number }
  | { readonly kind: 'give-up'; readonly reason: GiveUpReason };

/** RFC 6665 §4.1.2.2: refresh before the subscription expires, here at 80–90 % of what is left. */
export function refreshDelayMs(remainingMs: number, random: () => number, policy: RefreshPolicy): number {
  const span = policy.maxFraction - policy.minFraction;
  const fraction = policy.minFraction + span * clamp01(random());
  return Math.max(0, Math.floor(remainingMs * fraction));
}

/**
 * Capped exponential backoff with jitter ("equal jitter": half of the step fixed, half random), so
 * many watchers that lost one presence server do not come back in lock-step. `attempt` counts
 * from 0.
 */
export function backoffDelayMs(attempt: number, random: () => number, policy: RetryPolicy): number {
  const exp = policy.baseDelayMs * 2 ** Math.min(Math.max(attempt, 0), 30);
  const step = Math.min(policy.maxDelayMs, exp);
  return Math.floor(step / 2 + (step / 2) * clamp01(random()));
}

/** A retry that honours a server-given delay (Retry-After / retry-after) as a lower bound. */
function later(attempt: number, random: () => number, policy: RetryPolicy, atLeastS?: number): NextStep {
  const backoff = backoffDelayMs(attempt, random, policy);
  const delayMs = atLeastS !== undefined ? Math.max(atLeastS * 1000, backoff) : backoff;
  return { kind: 'retry-later', delayMs };
}

function now(attempt: number, random: () => number, policy: RetryPolicy): NextStep {
  return attempt < policy.maxImmediateRetries ? { kind: 'resubscribe-now' } : later(attempt, random, policy);
}

/**
 * RFC 6665 §4.1.3: what the `reason` of `Subscription-State: terminated` asks of the subscriber.
 * deactivated / timeout: re-subscribe at once. probation / giveup: wait at least `retry-after`
 * (else back off). rejected / noresource: do not re-subscribe. invariant: do not re-subscribe
 * (the resource will never change). No or an unknown reason: the subscriber may retry; we back off.
 */
export function afterTermination(
  reason: string | undefined,
  retryAfterS: number | undefined,
  attempt: number,
  random: () => number,
  policy: RetryPolicy,
): NextStep {
  switch (reason) {
    case 'deactivated':
    case 'timeout':
      return now(attempt, random, policy);
    case 'rejected':
    case 'noresource':
    case 'invariant':
      return { kind: 'give-up', reason };
    default:
      return later(attempt, random, policy, retryAfterS);
  }
}

export interface RequestFailure {
  /** SIP status of the final response; 0 when no response came (transport or engine failure). */
  readonly status: number;
  readonly reason: string;
  /** RFC 3261 §20.33 Retry-After, in seconds. */
  readonly retryAfterS?: number;
  /** RFC 3261 §20.23 Min-Expires (with a 423), in seconds. */
  readonly minExpiresS?: number;
}

/**
 * What a failed initial SUBSCRIBE means. RFC 3261 §21 / RFC 6665 §4.1.2.1: 403/603 refuse the
 * watcher (rejected), 404/410/604 name no resource, 489 (RFC 6665 §8.3.2), 405 and 501 say the
 * server will never serve `presence` (invariant), 401/407 need credentials the watcher does not
 * hold. Anything else — 408, 480, 5xx, no response — is transient: back off and try again.
 */
export function afterSubscribeFailure(
  failure: RequestFailure,
  attempt: number,
  random: () => number,
  policy: RetryPolicy,
): NextStep {
  switch (failure.status) {
    case 403:
    case 603:
      return { kind: 'give-up', reason: 'rejected' };
    case 404:
    case 410:
    case 604:
      return { kind: 'give-up', reason: 'noresource' };
    case 405:
    case 489:
    case 501:
      return { kind: 'give-up', reason: 'invariant' };
    case 401:
    case 407:
      return { kind: 'give-up', reason: 'auth-required' };
    default:
      return later(attempt, random, policy, failure.retryAfterS);
  }
}

/**
 * What a failed refresh means (RFC 6665 §4.1.2.2). 481: the notifier no longer knows the dialog
 * (it restarted or expired it) — start a new subscription at once. Otherwise the dialog is given
 * up and a new subscription follows the initial-SUBSCRIBE rules (408 / no response: the server is
 * unreachable, back off).
 */
export function afterRefreshFailure(
  failure: RequestFailure,
  attempt: number,
  random: () => number,
  policy: RetryPolicy,
): NextStep {
  if (failure.status === 481) return now(attempt, random, policy);
  return afterSubscribeFailure(failure, attempt, random, policy);
}

/**
 * RFC 6665 §4.1.2.2: after these responses to a refresh the subscription is gone, so the old
 * dialog must not be un-subscribed; after other failures (e.g. 500) the notifier may still hold it.
 */
export function refreshFailureEndsDialog(status: number): boolean {
  return (
    status === 0 ||
    status === 408 ||
    [404, 405, 410, 416, 489, 501, 604].includes(status) ||
    (status >= 480 && status <= 485)
  );
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
