/**
 * OPTIONS health of one gateway as a pure state machine: events in, new status and effects out
 * (send a ping, arm or cancel a timer, report a change). The driver (health-monitor.ts) runs the
 * effects with an injected Clock; this file has no timers and no I/O.
 *
 *        fail (< N in a row)           fail (N in a row)
 *   up ───────────────────▶ suspect ─────────────────▶ down ◀──────────┐
 *    ▲ ◀──────── ok ───────────┘                        │ ok (< M)      │ fail
 *    │                                                  ▼               │
 *    └──────────── ok (M in a row) ─────────────── recovering ─────────┘
 *   (up → down directly when N = 1; down → up directly when M = 1)
 *
 * up and suspect are in service; down and recovering are not. One ping at a time: the next is
 * due `intervalMs` after the previous one was answered or timed out; late answers are ignored.
 */
import { IllegalTransitionError } from './errors.js';

export type HealthState = 'up' | 'suspect' | 'down' | 'recovering';

const ALLOWED: Readonly<Record<HealthState, readonly HealthState[]>> = {
  up: ['suspect', 'down'],
  suspect: ['up', 'down'],
  down: ['recovering', 'up'],
  recovering: ['up', 'down'],
};

export interface HealthPolicy {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Failed pings in a row that take the gateway out of service (N). */
  readonly failuresToDown: number;
  /** Answered pings in a row that bring it back (M). */
  readonly successesToUp: number;
}

export interface HealthStatus {
  readonly state: HealthState;
  /** Failed pings in a row (reset by an answered one). */
  readonly failures: number;
  /** Answered pings in a row while out of service. */
  readonly successes: number;
  /** Clock time the state was entered. */
  readonly sinceMs: number;
  /** The ping awaiting its answer, if any. */
  readonly probeInFlight: number | undefined;
  readonly nextProbeId: number;
}

export type HealthEvent =
  | { readonly kind: 'probe-due' }
  | { readonly kind: 'probe-answered'; readonly probeId: number; readonly alive: boolean }
  | { readonly kind: 'probe-timed-out'; readonly probeId: number };

export type HealthEffect =
  | { readonly kind: 'send-probe'; readonly probeId: number }
  | { readonly kind: 'arm-probe-due'; readonly delayMs: number }
  | { readonly kind: 'arm-probe-timeout'; readonly delayMs: number; readonly probeId: number }
  | { readonly kind: 'cancel-probe-timeout' }
  | { readonly kind: 'state-changed'; readonly from: HealthState; readonly to: HealthState };

export interface HealthStep {
  readonly status: HealthStatus;
  readonly effects: readonly HealthEffect[];
}

/** A new gateway starts in service (optimistic) and is pinged at once (send it `probe-due`). */
export function initialHealth(nowMs: number): HealthStatus {
  return { state: 'up', failures: 0, successes: 0, sinceMs: nowMs, probeInFlight: undefined, nextProbeId: 1 };
}

export function isInService(state: HealthState): boolean {
  return state === 'up' || state === 'suspect';
}

/** The one transition function: rejects moves the table above does not allow. */
export function moveHealth(from: HealthState, to: HealthState): HealthState {
  if (!ALLOWED[from].includes(to)) throw new IllegalTransitionError('gateway-health', from, to);
  return to;
}

function nextState(
  s: HealthStatus,
  alive: boolean,
  p: HealthPolicy,
): { state: HealthState; failures: number; successes: number } {
  if (alive) {
    if (isInService(s.state)) return { state: 'up', failures: 0, successes: 0 };
    const successes = s.successes + 1;
    return { state: successes >= p.successesToUp ? 'up' : 'recovering', failures: 0, successes };
  }
  if (!isInService(s.state)) return { state: 'down', failures: s.failures + 1, successes: 0 };
  const failures = s.failures + 1;
  return { state: failures >= p.failuresToDown ? 'down' : 'suspect', failures, successes: 0 };
}

function settle(
  s: HealthStatus,
  alive: boolean,
  p: HealthPolicy,
  nowMs: number,
  answered: boolean,
): HealthStep {
  const next = nextState(s, alive, p);
  const effects: HealthEffect[] = answered ? [{ kind: 'cancel-probe-timeout' }] : [];
  let status: HealthStatus = { ...s, ...next, state: s.state, probeInFlight: undefined };
  if (next.state !== s.state) {
    status = { ...status, state: moveHealth(s.state, next.state), sinceMs: nowMs };
    effects.push({ kind: 'state-changed', from: s.state, to: next.state });
  }
  effects.push({ kind: 'arm-probe-due', delayMs: p.intervalMs });
  return { status, effects };
}

/** Applies one event. Events that do not apply (a late answer, a ping already in flight) change nothing. */
export function stepHealth(s: HealthStatus, event: HealthEvent, p: HealthPolicy, nowMs: number): HealthStep {
  switch (event.kind) {
    case 'probe-due': {
      if (s.probeInFlight !== undefined) return { status: s, effects: [] };
      const probeId = s.nextProbeId;
      return {
        status: { ...s, probeInFlight: probeId, nextProbeId: probeId + 1 },
        effects: [
          { kind: 'send-probe', probeId },
          { kind: 'arm-probe-timeout', delayMs: p.timeoutMs, probeId },
        ],
      };
    }
    case 'probe-answered':
      if (event.probeId !== s.probeInFlight) return { status: s, effects: [] };
      return settle(s, event.alive, p, nowMs, true);
    case 'probe-timed-out':
      if (event.probeId !== s.probeInFlight) return { status: s, effects: [] };
      return settle(s, false, p, nowMs, false);
  }
}

/** What a ping produced, as the SIP layer reports it. */
export type ProbeOutcome =
  | { readonly kind: 'response'; readonly status: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'transport-error' };

/**
 * Whether a ping shows the gateway able to take calls. Any final answer means its SIP stack is there
 * (many gateways answer OPTIONS with 404 or 405), except 408 and 5xx: RFC 3261 §21.5.4 503 means
 * overloaded or in maintenance, §21.5 5xx that the server failed. Timeouts and transport errors fail.
 */
export function probeAlive(outcome: ProbeOutcome): boolean {
  if (outcome.kind !== 'response') return false;
  const { status } = outcome;
  if (status < 200 || status > 699) return false;
  return status !== 408 && (status < 500 || status >= 600);
}
