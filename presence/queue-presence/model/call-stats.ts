/**
 * Per-queue figures over a sliding window, fed by the call events (`call.arrived`, `call.answered`,
 * `call.ended`): what policy/expected-wait.ts estimates rates from. Time from the injected clock;
 * samples older than the window are dropped when read or written. No I/O.
 */
import type { WindowFigures } from '../policy/expected-wait.js';

interface Sample {
  readonly atMs: number;
  readonly kind: 'arrived' | 'answered' | 'completed' | 'abandoned';
  /** wait (answered, abandoned) or talk (completed) duration. */
  readonly ms: number;
}

export const DEFAULT_WINDOW_MS = 30 * 60_000;
/** Samples kept per queue at most (a burst cannot grow memory without bound). */
const MAX_SAMPLES = 10_000;

export class CallStats {
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #samples = new Map<string, Sample[]>();

  constructor(now: () => number, windowMs = DEFAULT_WINDOW_MS) {
    this.#now = now;
    this.#windowMs = windowMs;
  }

  arrived(queueId: string): void {
    this.#add(queueId, 'arrived', 0);
  }

  answered(queueId: string, waitMs: number): void {
    this.#add(queueId, 'answered', waitMs);
  }

  /** A call answered by an agent ended after `talkMs`. */
  completed(queueId: string, talkMs: number): void {
    this.#add(queueId, 'completed', talkMs);
  }

  abandoned(queueId: string, waitMs: number): void {
    this.#add(queueId, 'abandoned', waitMs);
  }

  /** Arrivals per second over the window. */
  arrivalRate(queueId: string): number {
    const n = this.#prune(queueId).filter((s) => s.kind === 'arrived').length;
    return n / (this.#windowMs / 1000);
  }

  figures(queueId: string): WindowFigures {
    const f = {
      completed: 0,
      talkMsTotal: 0,
      abandoned: 0,
      waitMsTotal: 0,
      answered: 0,
      answeredWaitMsTotal: 0,
    };
    for (const s of this.#prune(queueId)) {
      if (s.kind === 'completed') {
        f.completed++;
        f.talkMsTotal += s.ms;
      } else if (s.kind === 'answered') {
        f.answered++;
        f.answeredWaitMsTotal += s.ms;
        f.waitMsTotal += s.ms;
      } else if (s.kind === 'abandoned') {
        f.abandoned++;
        f.waitMsTotal += s.ms;
      }
    }
    return f;
  }

  #add(queueId: string, kind: Sample['kind'], ms: number): void {
    const list = this.#prune(queueId);
    list.push({ atMs: this.#now(), kind, ms });
    if (list.length > MAX_SAMPLES) list.splice(0, list.length - MAX_SAMPLES);
    this.#samples.set(queueId, list);
  }

  #prune(queueId: string): Sample[] {
    const list = this.#samples.get(queueId) ?? [];
    const oldest = this.#now() - this.#windowMs;
    let drop = 0;
    while (drop < list.length && (list[drop]?.atMs ?? 0) < oldest) drop++;
    if (drop > 0) list.splice(0, drop);
    return list;
  }
}
