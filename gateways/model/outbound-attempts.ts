/**
 * One outbound call's walk through its failover plan, as a state machine:
 *
 *   trying ──failover outcome, gateways left──▶ trying (next gateway)
 *     ├──── answered (2xx) ─────────────────▶ answered
 *     ├──── final outcome (3xx, 4xx but 408, 6xx) ─▶ failed      (relay the answer to the caller)
 *     └──── failover outcome, none left (or maxAttempts) ─▶ exhausted (every gateway failed)
 *
 * Which outcome is which is policy/failover.ts's `classifyOutcome`, passed in so this file stays
 * a pure lifecycle.
 */
import { IllegalTransitionError } from './errors.js';

export type AttemptsState = 'trying' | 'answered' | 'failed' | 'exhausted';

const ALLOWED: Readonly<Record<AttemptsState, readonly AttemptsState[]>> = {
  trying: ['trying', 'answered', 'failed', 'exhausted'],
  answered: [],
  failed: [],
  exhausted: [],
};

/** A final outcome of one attempt (provisional responses are not outcomes). */
export type AttemptOutcome =
  | { readonly kind: 'response'; readonly status: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'transport-error' };

export type OutcomeClass = 'answered' | 'failover' | 'final';

export interface Attempts<G> {
  readonly state: AttemptsState;
  readonly plan: readonly G[];
  /** Index in `plan` of the gateway being tried (trying) or that decided (answered, failed). */
  readonly index: number;
  /** Every gateway tried so far with its outcome, in order. */
  readonly tried: readonly { readonly gateway: G; readonly outcome: AttemptOutcome }[];
}

export function moveAttempts(from: AttemptsState, to: AttemptsState): AttemptsState {
  if (!ALLOWED[from].includes(to)) throw new IllegalTransitionError('outbound-attempts', from, to);
  return to;
}

/** Starts on the first gateway of `plan`; an empty plan is exhausted at once. */
export function startAttempts<G>(plan: readonly G[]): Attempts<G> {
  return { state: plan.length === 0 ? 'exhausted' : 'trying', plan, index: 0, tried: [] };
}

/** The gateway to try now, while trying. */
export function currentGateway<G>(a: Attempts<G>): G | undefined {
  return a.state === 'trying' ? a.plan[a.index] : undefined;
}

/**
 * Records the outcome of the current attempt. `maxAttempts` (default: the whole plan) caps how many
 * gateways one call may try.
 */
export function recordOutcome<G>(
  a: Attempts<G>,
  outcome: AttemptOutcome,
  classify: (o: AttemptOutcome) => OutcomeClass,
  maxAttempts = Number.POSITIVE_INFINITY,
): Attempts<G> {
  const gateway = currentGateway(a);
  if (gateway === undefined) throw new IllegalTransitionError('outbound-attempts', a.state, 'outcome');
  const tried = [...a.tried, { gateway, outcome }];
  const cls = classify(outcome);
  if (cls === 'answered') return { ...a, state: moveAttempts(a.state, 'answered'), tried };
  if (cls === 'final') return { ...a, state: moveAttempts(a.state, 'failed'), tried };
  const next = a.index + 1;
  if (next >= a.plan.length || tried.length >= maxAttempts)
    return { ...a, state: moveAttempts(a.state, 'exhausted'), tried };
  return { ...a, state: moveAttempts(a.state, 'trying'), index: next, tried };
}
