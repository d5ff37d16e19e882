/**
 * A bench-only observer of `bench:inbound`: an {@link EventBus} that delegates everything to the
 * real in-process bus and, synchronously inside `publish()`, takes a `performance.now()` mark for
 * the call events the benchmark measures. `call.arrived` is published by the call coordinator as
 * soon as the INVITE handler hands it the call; `call.offered` once the offer's INVITEs were handed
 * to drachtio-srf (`createUAC` for every registered device). No router code is changed.
 */
import { performance } from 'node:perf_hooks';
import type { Static, TSchema } from '@sinclair/typebox';
import type { BusEnvelope, EventBus, EventType, KeyValueStore, Unsubscribe } from '../../infra/bus/types.js';

/** What one step's calls looked like inside patchbay (collected and reset by `take()`). */
export interface CallMarks {
  /** call.arrived → first call.offered of the same call, ms (sub-ms resolution). */
  arrivedToOfferedMs: number[];
  arrived: number;
  offered: number;
  /** Calls offered more than once (an agent did not answer, or was busy). */
  reoffered: number;
  /** Calls that arrived but were never offered (by the time of `take()`). */
  neverOffered: number;
  /** call.ended by outcome (completed, abandoned, rejected, …). */
  endedByOutcome: Record<string, number>;
  /** Up to 5 calls of this step that had not ended by `take()`: their call events in order. */
  unfinished: { callId: string; events: string[] }[];
}

interface OneCall {
  arrivedAt: number;
  offeredAt?: number;
  offers: number;
  events: string[];
}

export class MarkingBus implements EventBus {
  readonly #inner: EventBus;
  #calls = new Map<string, OneCall>();
  #ended: Record<string, number> = {};

  constructor(inner: EventBus) {
    this.#inner = inner;
  }

  get kind(): EventBus['kind'] {
    return this.#inner.kind;
  }

  publish<S extends TSchema>(event: EventType<S>, data: Static<S>, suffix?: string): Promise<void> {
    if (suffix !== undefined) this.#mark(event.type, data, suffix);
    return this.#inner.publish(event, data, suffix);
  }

  subscribe(pattern: string, handler: (envelope: BusEnvelope) => void): Unsubscribe {
    return this.#inner.subscribe(pattern, handler);
  }

  kv(bucket: string): Promise<KeyValueStore> {
    return this.#inner.kv(bucket);
  }

  drain(): Promise<void> {
    return this.#inner.drain();
  }

  /** This step's marks; calls still without an offer are counted and forgotten. */
  take(): CallMarks {
    const out: CallMarks = {
      arrivedToOfferedMs: [],
      arrived: this.#calls.size,
      offered: 0,
      reoffered: 0,
      neverOffered: 0,
      endedByOutcome: this.#ended,
      unfinished: [],
    };
    for (const [callId, c] of this.#calls) {
      if (!c.events.includes('call.ended') && out.unfinished.length < 5)
        out.unfinished.push({ callId, events: c.events });
      if (c.offeredAt === undefined) {
        out.neverOffered += 1;
        continue;
      }
      out.offered += 1;
      if (c.offers > 1) out.reoffered += 1;
      out.arrivedToOfferedMs.push(c.offeredAt - c.arrivedAt);
    }
    this.#calls = new Map();
    this.#ended = {};
    return out;
  }

  #mark(type: string, data: unknown, callId: string): void {
    const now = performance.now();
    if (type === 'call.arrived') {
      this.#calls.set(callId, { arrivedAt: now, offers: 0, events: [type] });
      return;
    }
    const call = this.#calls.get(callId);
    call?.events.push(type);
    if (type === 'call.offered' && call) {
      call.offers += 1;
      call.offeredAt ??= now;
    } else if (type === 'call.ended') {
      const raw = (data as { outcome?: unknown }).outcome;
      const outcome = typeof raw === 'string' ? raw : 'unknown';
      this.#ended[outcome] = (this.#ended[outcome] ?? 0) + 1;
    }
  }
}
