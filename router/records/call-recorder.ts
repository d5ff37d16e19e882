/**
 * The call recorder: subscribes to `call.>` and writes each call's events into `calls` /
 * `call_offers` through the pure merges of `model/`, so duplicates and out-of-order events give the
 * right rows — coalesced, so that a call costs a share of a few statements, not a read and a write
 * per event:
 *
 * - Events wait in memory per call (`live-calls.ts`). A call is written once its `call.ended` is
 *   seen; calls still live are written every `flushIntervalMs` (5 s), as soon as they hold half
 *   of `bufferMax`, and everything at `idle()` / `stop()`. Writes run one batch at a time: up to `batchMax` calls, whose rows are folded and
 *   saved with ONE multi-row upsert per table (`row-batch.ts`); calls that end meanwhile make the
 *   next batch, so batches grow with the load.
 * - No read in the common case: a call's rows are assumed absent until a save says another writer
 *   has them (several nodes, scope `all`, an event after the call was forgotten); those rows are
 *   reloaded (one query) and merged again — rows carry a version.
 * - A failing database is retried with bounded exponential backoff (`retry.initialMs` doubling to
 *   `retry.maxMs`) for as long as it takes; at most `bufferMax` events wait (those beyond are
 *   dropped: `patchbay_records_dropped_total{reason="buffer-full"}` and a log line). The first
 *   failure and the recovery are logged, each retry is counted.
 * - `scope: 'local'` records only events this node published (each event written once per
 *   cluster, metrics summable across nodes); `'all'` records every event on the bus.
 * - Each event is counted (`written` / `duplicate` / `conflict`) and its facts (first answer, end,
 *   offer end) go to `onFacts` once the batch holding it is written.
 */
import type { BusEnvelope, EventBus, Unsubscribe } from '../../infra/bus/index.js';
import type { CallMetrics } from '../../infra/telemetry/call-metrics.js';
import type { Clock, TimerHandle } from '../../sip-engine/util/clock.js';
import { LiveCalls } from './live-calls.js';
import type { LiveCall } from './live-calls.js';
import { mergeCallEvent } from './model/call-record.js';
import type { CallFact, CallRecord } from './model/call-record.js';
import { mergeOfferEvent } from './model/offer-record.js';
import type { OfferFact, OfferRecord } from './model/offer-record.js';
import { toRecordEvent } from './model/record-events.js';
import type { CallEvent, OfferEvent, RecordEvent } from './model/record-events.js';
import { commitRow, ContentionError, CONTENTION_ATTEMPTS, writeRows } from './row-batch.js';
import type { Done, PendingRow, TableOps } from './row-batch.js';
import { offerKeyCallId } from './store/record-store.js';
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
  /** Calls still live are written this often (default 5 s). */
  flushIntervalMs?: number;
  /** Calls per batch (default 500). */
  batchMax?: number;
  /** A call written and without an event this long is forgotten (default 10 min). */
  forgetIdleMs?: number;
}

const DEFAULTS = { bufferMax: 10_000, flushIntervalMs: 5_000, batchMax: 500, forgetIdleMs: 600_000 };

export class CallRecorder {
  readonly #d: CallRecorderDeps;
  readonly #live = new LiveCalls();
  readonly #o: typeof DEFAULTS;
  readonly #retry: { initialMs: number; maxMs: number };
  readonly #callOps: TableOps<CallRecord, CallEvent, CallFact>;
  readonly #offerOps: TableOps<OfferRecord, OfferEvent, OfferFact>;
  #draining: Promise<void> | undefined;
  #kickQueued = false;
  #failing = false;
  #abandon = false;
  #timer: TimerHandle | undefined;
  #unsubscribe: Unsubscribe | undefined;

  constructor(deps: CallRecorderDeps) {
    this.#d = deps;
    this.#o = {
      bufferMax: deps.bufferMax ?? DEFAULTS.bufferMax,
      flushIntervalMs: deps.flushIntervalMs ?? DEFAULTS.flushIntervalMs,
      batchMax: deps.batchMax ?? DEFAULTS.batchMax,
      forgetIdleMs: deps.forgetIdleMs ?? DEFAULTS.forgetIdleMs,
    };
    this.#retry = deps.retry ?? { initialMs: 100, maxMs: 5_000 };
    const store = deps.store;
    this.#callOps = {
      merge: mergeCallEvent,
      load: (k) => store.loadCalls(k),
      save: (r) => store.saveCalls(r),
    };
    this.#offerOps = {
      merge: mergeOfferEvent,
      load: (keys) => loadOffersByKey(store, keys),
      save: (r) => store.saveOffers(r),
    };
  }

  start(): void {
    if (this.#unsubscribe !== undefined) return;
    this.#unsubscribe = this.#d.bus.subscribe('call.>', (e) => this.accept(e));
    this.#schedule();
  }

  /** Events waiting in memory or being written. */
  get pending(): number {
    return this.#live.pending;
  }

  /** Writes every accepted event now (live calls too); resolves when written (or given up at shutdown). */
  async idle(): Promise<void> {
    while (this.#live.pending > 0 && !this.#abandon) {
      this.#live.markAllDue();
      if (this.#live.dueCount === 0 && this.#draining === undefined) return;
      await this.#startDrain();
    }
  }

  /** Takes one bus envelope (what the subscription does; also for tests). */
  accept(envelope: BusEnvelope): void {
    const event = toRecordEvent(envelope.type, envelope.data);
    if (event === undefined) return;
    if (this.#d.scope === 'local' && envelope.source !== this.#d.nodeId) {
      this.#d.counters.events.inc({ type: event.type, result: 'foreign' });
      return;
    }
    if (this.#live.pending >= this.#o.bufferMax || this.#abandon) {
      const reason = this.#abandon ? 'shutdown' : 'buffer-full';
      this.#d.counters.dropped.inc({ reason });
      this.#d.logger.error(
        { type: event.type, callId: event.data.callId, reason },
        'call event not recorded',
      );
      return;
    }
    this.#live.add(event, this.#d.clock.now());
    this.#d.counters.pending.set(this.#live.pending);
    // Half the buffer held by live calls: write them now rather than wait for the interval.
    if (this.#live.pending >= this.#o.bufferMax / 2 && this.#draining === undefined) this.#live.markAllDue();
    if (this.#live.dueCount > 0) this.#kick();
  }

  /**
   * Stops taking events and waits up to `timeoutMs` for everything buffered to be written; what is
   * left then is given up (counted as dropped `shutdown`, logged). Returns how many were given up.
   */
  async stop(timeoutMs = 3_000): Promise<{ lost: number }> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#timer?.cancel();
    let timer: TimerHandle | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = this.#d.clock.setTimer(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.idle().then(() => 'idle' as const), deadline]);
    timer?.cancel();
    if (result === 'idle' && this.#live.pending === 0) return { lost: 0 };
    const lost = this.#live.pending;
    this.#abandon = true;
    this.#d.counters.dropped.inc({ reason: 'shutdown' }, lost);
    this.#d.logger.error({ lost }, 'call records not written before shutdown');
    return { lost };
  }

  #schedule(): void {
    this.#timer = this.#d.clock.setTimer(() => {
      this.#live.forgetIdle(this.#d.clock.now() - this.#o.forgetIdleMs);
      this.#live.markAllDue();
      this.#kick();
      this.#schedule();
    }, this.#o.flushIntervalMs);
  }

  /** Starts a drain after the current run of deliveries, so that they make one batch. */
  #kick(): void {
    if (this.#draining !== undefined || this.#kickQueued) return;
    this.#kickQueued = true;
    queueMicrotask(() => {
      this.#kickQueued = false;
      void this.#startDrain();
    });
  }

  #startDrain(): Promise<void> {
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
      if (this.#live.dueCount > 0 && !this.#abandon) this.#kick();
    });
    return this.#draining;
  }

  async #drain(): Promise<void> {
    let attempt = 0;
    while (!this.#abandon) {
      const batch = this.#live.takeDue(this.#o.batchMax);
      if (batch.length === 0) return;
      try {
        await this.#writeBatch(batch);
        if (this.#failing) this.#recovered();
        attempt = 0;
      } catch (err) {
        this.#live.requeue(batch);
        this.#failed(batch, err);
        await this.#sleep(Math.min(this.#retry.maxMs, this.#retry.initialMs * 2 ** Math.min(attempt++, 20)));
      }
    }
  }

  /** One statement per table (plus a reload per round lost to another writer). */
  async #writeBatch(batch: readonly LiveCall[]): Promise<void> {
    let written = 0;
    try {
      const calls = await writeRows(withPending(batch.map((l) => l.call)), this.#callOps);
      written += this.#commit(calls.done);
      const offers = await writeRows(
        withPending(batch.flatMap((l) => [...l.offers.values()])),
        this.#offerOps,
      );
      written += this.#commit(offers.done);
      const contended = calls.contended + offers.contended;
      if (contended > 0) {
        throw new ContentionError(
          `${contended} record rows lost ${CONTENTION_ATTEMPTS} concurrent writes in a row`,
        );
      }
    } finally {
      this.#live.settle(batch, written);
      this.#d.counters.pending.set(this.#live.pending);
    }
  }

  /** Counts the written rows' events, logs conflicts, hands on the facts; returns the events. */
  #commit<R, E extends RecordEvent, F extends Fact>(done: readonly Done<R, E, F>[]): number {
    let events = 0;
    const facts: Fact[] = [];
    for (const d of done) {
      commitRow(d);
      events += d.folded.count;
      facts.push(...d.folded.facts);
      for (const r of d.folded.results) {
        this.#d.counters.events.inc({ type: r.event.type, result: r.result });
        if (r.result === 'conflict') {
          this.#d.logger.warn(
            { callId: r.event.data.callId, type: r.event.type, reason: r.reason },
            'call event conflict',
          );
        }
      }
    }
    if (facts.length > 0) this.#d.onFacts?.(facts);
    return events;
  }

  #failed(batch: readonly LiveCall[], err: unknown): void {
    this.#d.counters.retries.inc();
    if (this.#failing) return;
    this.#failing = true;
    const error = err instanceof Error ? err.message : String(err);
    this.#d.logger.warn(
      { error, calls: batch.length, pending: this.#live.pending },
      'call records: write failed, retrying',
    );
  }

  #recovered(): void {
    this.#failing = false;
    this.#d.logger.info({ pending: this.#live.pending }, 'call records: writes succeed again');
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#d.clock.setTimer(resolve, ms));
  }
}

function withPending<R, E>(rows: readonly PendingRow<R, E>[]): PendingRow<R, E>[] {
  return rows.filter((r) => r.pending.length > 0);
}

/** The offer rows of these keys (loaded by their calls: one query). */
async function loadOffersByKey(store: RecordStore, keys: readonly string[]) {
  const callIds = new Set(keys.map(offerKeyCallId));
  const byKey = await store.loadOffers([...callIds]);
  const wanted = new Set(keys);
  for (const k of byKey.keys()) if (!wanted.has(k)) byKey.delete(k);
  return byKey;
}
