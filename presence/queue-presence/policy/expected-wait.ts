/**
 * Expected wait of the next caller, in seconds, from the queue's live state and the rates observed
 * over a recent window. Pure: the window's figures are passed in (model/call-stats.ts collects them).
 *
 * Model: Erlang C with abandonment, i.e. M/M/n+M (Erlang A): Poisson arrivals, n agents serving
 * exponential talk times at rate μ each, waiting callers abandoning at rate θ each. Given the live
 * state (k callers ahead of the next one once the free agents took theirs), the next caller is
 * answered after k+1 departures from the head of the queue; with i callers ahead the queue empties
 * at rate nμ (an agent frees up) + iθ (someone gives up), so
 *
 *     W = Σ_{i=0}^{k} 1 / (nμ + iθ)
 *
 * With θ = 0 this is Erlang C's conditional wait (k+1)/(nμ), whose average over the stationary
 * distribution is the textbook C(n, a)/(nμ − λ) (`erlangCWaitS` below, kept for the README's
 * hand-computed cases). Arrivals after the next caller queue behind them (FIFO), so λ does not enter
 * W directly; it is part of the stationary figure and of the published rates.
 *
 * Estimators over the window: μ = completed calls / Σ talk seconds; θ = abandoned calls / Σ seconds
 * spent waiting by every caller who left the queue (the maximum-likelihood rate of exponential
 * patience). Fewer than `minCompletedCalls` completed calls: not enough data, so the mean observed
 * wait of answered calls is used, else the longest current wait (a lower bound), else unknown.
 */

export interface WindowFigures {
  /** Calls answered by an agent and finished within the window. */
  readonly completed: number;
  readonly talkMsTotal: number;
  /** Callers who hung up while waiting. */
  readonly abandoned: number;
  /** Waiting time of every caller who left the queue (answered or abandoned). */
  readonly waitMsTotal: number;
  /** Calls answered, with their waits (for the observed mean). */
  readonly answered: number;
  readonly answeredWaitMsTotal: number;
}

export interface WaitInput {
  readonly depth: number;
  readonly availableAgents: number;
  /** Agents logged in to the queue (serving, or free). */
  readonly loggedInAgents: number;
  readonly longestWaitMs: number;
  readonly figures: WindowFigures;
  /** Completed calls needed before the model is trusted (default 5). */
  readonly minCompletedCalls?: number;
}

export type WaitMethod = 'agent-free' | 'erlang-a' | 'observed' | 'longest-wait';

export type ExpectedWait =
  | { readonly known: true; readonly seconds: number; readonly method: WaitMethod }
  | { readonly known: false; readonly reason: 'no-agents' | 'no-data' };

export const DEFAULT_MIN_COMPLETED_CALLS = 5;

/** Σ_{i=0}^{k} 1/(nμ + iθ) seconds (rates per second). */
export function erlangAConditionalWaitS(k: number, n: number, mu: number, theta: number): number {
  let w = 0;
  for (let i = 0; i <= k; i++) w += 1 / (n * mu + i * theta);
  return w;
}

/** Erlang C probability of waiting, C(n, a), a = λ/μ < n (1 when the queue is unstable). */
export function erlangC(n: number, a: number): number {
  if (a >= n) return 1;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < n; k++) {
    term *= a / k;
    sum += term;
  }
  const top = ((term * a) / n) * (n / (n - a));
  return top / (sum + top);
}

/** Stationary mean wait of Erlang C: C(n, a)/(nμ − λ); Infinity when λ ≥ nμ. */
export function erlangCWaitS(n: number, lambda: number, mu: number): number {
  if (lambda >= n * mu) return Number.POSITIVE_INFINITY;
  return erlangC(n, lambda / mu) / (n * mu - lambda);
}

export function expectedWait(input: WaitInput): ExpectedWait {
  const { depth, availableAgents, loggedInAgents, figures } = input;
  if (availableAgents > depth) return { known: true, seconds: 0, method: 'agent-free' };
  if (loggedInAgents <= 0) return { known: false, reason: 'no-agents' };
  const minCompleted = input.minCompletedCalls ?? DEFAULT_MIN_COMPLETED_CALLS;
  if (figures.completed >= minCompleted && figures.talkMsTotal > 0) {
    const mu = figures.completed / (figures.talkMsTotal / 1000);
    const theta = figures.waitMsTotal > 0 ? figures.abandoned / (figures.waitMsTotal / 1000) : 0;
    const ahead = Math.max(0, depth - availableAgents);
    const w = erlangAConditionalWaitS(ahead, loggedInAgents, mu, theta);
    return { known: true, seconds: Math.round(w), method: 'erlang-a' };
  }
  if (figures.answered > 0) {
    return {
      known: true,
      seconds: Math.round(figures.answeredWaitMsTotal / figures.answered / 1000),
      method: 'observed',
    };
  }
  if (depth > 0)
    return { known: true, seconds: Math.round(input.longestWaitMs / 1000), method: 'longest-wait' };
  return { known: false, reason: 'no-data' };
}
