/**
 * The call recorder: subscribes to `call.>` and writes each event into `calls` / `call_offers`
 * through the pure merges of `model/`, so duplicates and out-of-order events give the right rows.
 *
 * - Events of one call are applied one after another (per-call serial queue); calls in parallel.
 * - Between nodes, rows carry a version: a save that lost a race reloads and merges again.
 * - A failing database is retried with bounded exponential backoff (`retry.initialMs` doubling to
 *   `retry.maxMs`) for as long as it takes; events wait in a buffer of at most `bufferMax` (those
 *   beyond are dropped: `patchbay_records_dropped_total{reason="buffer-full"}` and a log line).
 *   The first failure and the recovery are logged, each retry is counted.
 * - `scope: 'local'` records only events this node published (each event written once per
 *   cluster, metrics summable across nodes); `'all'` records every event on the bus.
 * - Facts (first answer, end, offer end) go to `onFacts` once the row is written.
 */
import type { BusEnvelope, EventBus, Unsubscribe } from '../../infra/bus/index.js';
import type { CallMetrics } from '../../infra/telemetry/call-metrics.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import { KeyedSerialQueue } from '../agent-state/serial-queue.js';
import { mergeCallEvent } from './model/call-record.js';
import type { CallFact } from './model/call-record.js';
import { mergeOfferEvent } from './model/offer-record.js';
import type { OfferFact } from './model/offer-record.js';
import { isOfferEvent, toRecordEvent } from './model/record-events.js';
import type { CallEvent, OfferEvent, RecordEvent } from './model/record-events.js';
import type { RecordStore } from './store/record-store.js';

export type RecorderScope = 'local' | 'all';
export type Fact = CallFact | OfferFact;

export interface RecorderLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface CallRecorderDeps {
  bus: EventBus;
  store: RecordStore;
  clock: Clock;
  logger: RecorderLogger;
  counters: CallMetrics['records'];
  nodeId: string;
  scope: RecorderScope;
  onFacts?: (facts: readonly Fact[]) => void;
  bufferMax?: number;
  retry?: { initialMs: number; maxMs: number };
}

interface Applied {
  readonly result: 'written' | 'duplicate' | 'conflict';
  readonly facts: readonly Fact[];
  readonly reason?: string;
}

function unchanged(m: { kind: 'unchanged' } | { kind: 'conflict'; reason: string }): Applied {
  return m.kind === 'unchanged'
    ? { result: 'duplicate', facts: [] }
    : { result: 'conflict', facts: [], reason: m.reason };
}

/** Attempts to win an optimistic save against other writers before backing off like a failure. */
const CONTENTION_ATTEMPTS = 8;

class ContentionError extends Error {
  override readonly name = 'ContentionError';
  readonly code = 'contention';
}

export class CallRecorder {
  readonly #d: CallRecorderDeps;
  readonly #serial = new KeyedSerialQueue();
  readonly #bufferMax: number;
  readonly #retry: { initialMs: number; maxMs: number };
  #pending = 0;
  #failing = false;
  #abandon = false;
  #unsubscribe: Unsubscribe | undefined;

  constructor(deps: CallRecorderDeps) {
    this.#d = deps;
    this.#bufferMax = deps.bufferMax ?? 10_000;
    this.#retry = deps.retry ?? { initialMs: 100, maxMs: 5_000 };
  }

  start(): void {
    this.#unsubscribe ??= this.#d.bus.subscribe('call.>', (e) => this.accept(e));
  }

  /** Events buffered or being written. */
  get pending(): number {
    return this.#pending;
  }

  /** Resolves when every accepted event has been written (or given up at shutdown). */
  idle(): Promise<void> {
    return this.#serial.idle();
  }

  /** Takes one bus envelope (what the subscription does; also for tests). */
  accept(envelope: BusEnvelope): void {
    const event = toRecordEvent(envelope.type, envelope.data);
    if (event === undefined) return;
    if (this.#d.scope === 'local' && envelope.source !== this.#d.nodeId) {
      this.#d.counters.events.inc({ type: event.type, result: 'foreign' });
      return;
    }
    if (this.#pending >= this.#bufferMax || this.#abandon) {
      const reason = this.#abandon ? 'shutdown' : 'buffer-full';
      this.#d.counters.dropped.inc({ reason });
      this.#d.logger.error(
        { type: event.type, callId: event.data.callId, reason },
        'call event not recorded',
      );
      return;
    }
    this.#pending += 1;
    this.#d.counters.pending.set(this.#pending);
    void this.#serial
      .run(event.data.callId, () => this.#applyWithRetry(event))
      .finally(() => {
        this.#pending -= 1;
        this.#d.counters.pending.set(this.#pending);
      });
  }

  /**
   * Stops taking events and waits up to `timeoutMs` for the buffer to be written; what is left
   * then is given up (counted as dropped `shutdown`, logged). Returns how many were given up.
   */
  async stop(timeoutMs = 3_000): Promise<{ lost: number }> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    let timer: { cancel(): void } | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = this.#d.clock.setTimer(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.#serial.idle().then(() => 'idle' as const), deadline]);
    timer?.cancel();
    if (result === 'idle') return { lost: 0 };
    const lost = this.#pending;
    this.#abandon = true;
    this.#d.counters.dropped.inc({ reason: 'shutdown' }, lost);
    this.#d.logger.error({ lost }, 'call records not written before shutdown');
    return { lost };
  }

  async #applyWithRetry(event: RecordEvent): Promise<void> {
    for (let attempt = 0; !this.#abandon; attempt++) {
      try {
        const outcome = await this.#apply(event);
        this.#d.counters.events.inc({ type: event.type, result: outcome.result });
        if (outcome.result === 'conflict') {
          this.#d.logger.warn(
            { callId: event.data.callId, type: event.type, reason: outcome.reason },
            'call event conflict',
          );
        }
        if (this.#failing) this.#recovered();
        if (outcome.facts.length > 0) this.#d.onFacts?.(outcome.facts);
        return;
      } catch (err) {
        this.#failed(event, err);
        await this.#sleep(Math.min(this.#retry.maxMs, this.#retry.initialMs * 2 ** Math.min(attempt, 20)));
      }
    }
  }

  #failed(event: RecordEvent, err: unknown): void {
    this.#d.counters.retries.inc();
    if (this.#failing) return;
    this.#failing = true;
    const error = err instanceof Error ? err.message : String(err);
    this.#d.logger.warn(
      { error, callId: event.data.callId, pending: this.#pending },
      'call records: write failed, retrying',
    );
  }

  #recovered(): void {
    this.#failing = false;
    this.#d.logger.info({ pending: this.#pending }, 'call records: writes succeed again');
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#d.clock.setTimer(resolve, ms));
  }

  async #apply(e: RecordEvent): Promise<Applied> {
    for (let i = 0; i < CONTENTION_ATTEMPTS; i++) {
      const applied = isOfferEvent(e) ? await this.#applyOffer(e) : await this.#applyCall(e);
      if (applied !== 'lost-race') return applied;
    }
    throw new ContentionError(
      `call ${e.data.callId}: lost ${CONTENTION_ATTEMPTS} concurrent writes in a row`,
    );
  }

  async #applyCall(e: CallEvent): Promise<Applied | 'lost-race'> {
    const loaded = await this.#d.store.loadCall(e.data.callId);
    const merge = mergeCallEvent(loaded?.record, e);
    if (merge.kind !== 'changed') return unchanged(merge);
    return (await this.#d.store.saveCall(merge.record, loaded?.version))
      ? { result: 'written', facts: merge.facts }
      : 'lost-race';
  }

  async #applyOffer(e: OfferEvent): Promise<Applied | 'lost-race'> {
    const loaded = await this.#d.store.loadOffer(e.data.callId, e.data.offerId);
    const merge = mergeOfferEvent(loaded?.record, e);
    if (merge.kind !== 'changed') return unchanged(merge);
    return (await this.#d.store.saveOffer(merge.record, loaded?.version))
      ? { result: 'written', facts: merge.facts }
      : 'lost-race';
  }
}
