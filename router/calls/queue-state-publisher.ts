/**
 * `queue.state.<queueId>` (infra/bus/call-events.ts): once at start, then whenever a queue's state
 * changes, coalesced — a queue marked dirty is published at most once per `intervalMs`, and only
 * when something but the time moved. A slow sweep re-checks every queue so opening and closing
 * hours are published without any call.
 */
import { EVENTS } from '../../infra/bus/catalogue.js';
import type { EventBus } from '../../infra/bus/types.js';
import type { Clock, TimerHandle } from '../../sip-engine/util/clock.js';
import type { Static } from '@sinclair/typebox';
import type { CallLog } from './call-ports.js';

export type QueueStateData = Static<typeof EVENTS.queueState.schema>;
type Snapshot = Omit<QueueStateData, 'at'>;

export interface QueueStatePublisherDeps {
  readonly clock: Clock;
  readonly bus: EventBus;
  readonly log: CallLog;
  readonly queueIds: readonly string[];
  readonly snapshot: (queueId: string) => Snapshot;
  readonly intervalMs?: number;
  readonly sweepMs?: number;
}

const same = (a: Snapshot, b: Snapshot): boolean =>
  a.open === b.open &&
  a.accepting === b.accepting &&
  a.depth === b.depth &&
  a.availableAgents === b.availableAgents &&
  a.loggedInAgents === b.loggedInAgents &&
  (a.depth === 0) === (b.depth === 0);

export class QueueStatePublisher {
  readonly #deps: QueueStatePublisherDeps;
  readonly #dirty = new Set<string>();
  readonly #last = new Map<string, Snapshot>();
  #flushTimer: TimerHandle | undefined;
  #sweepTimer: TimerHandle | undefined;
  #closed = false;

  constructor(deps: QueueStatePublisherDeps) {
    this.#deps = deps;
  }

  /** Publishes every queue once and starts the sweep. */
  start(): void {
    for (const id of this.#deps.queueIds) this.#publish(id, true);
    this.#sweep();
  }

  markDirty(queueId: string): void {
    if (this.#closed) return;
    this.#dirty.add(queueId);
    this.#flushTimer ??= this.#deps.clock.setTimer(() => this.#flush(), this.#deps.intervalMs ?? 250);
  }

  close(): void {
    this.#closed = true;
    this.#flushTimer?.cancel();
    this.#sweepTimer?.cancel();
  }

  #sweep(): void {
    this.#sweepTimer = this.#deps.clock.setTimer(() => {
      if (this.#closed) return;
      for (const id of this.#deps.queueIds) this.markDirty(id);
      this.#sweep();
    }, this.#deps.sweepMs ?? 30_000);
  }

  #flush(): void {
    this.#flushTimer = undefined;
    const ids = [...this.#dirty];
    this.#dirty.clear();
    for (const id of ids) this.#publish(id, false);
  }

  #publish(queueId: string, always: boolean): void {
    const snap = this.#deps.snapshot(queueId);
    const last = this.#last.get(queueId);
    if (!always && last !== undefined && same(last, snap)) return;
    this.#last.set(queueId, snap);
    const data = { ...snap, at: this.#deps.clock.wallNow().toISOString() };
    this.#deps.bus.publish(EVENTS.queueState, data, queueId).catch((err: unknown) => {
      this.#deps.log.warn({ queueId, err }, 'queue.state not published');
    });
  }
}
