/**
 * The live queue view: the configured queues with the latest `queue.state` of each (from any node,
 * newest by its time) and today's counts from the call records. Also feeds the queue gauges.
 */
import type { BusEnvelope, EventBus, EventData, Unsubscribe } from '../../infra/bus/index.js';
import type { Db } from '../../infra/db/index.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import type { QueueLiveData, QueueViewData } from './http/record-schemas.js';
import { dayFigures, NO_CALLS, startOfLocalDay } from './model/queue-day.js';
import { queueDayCounts } from './store/record-queries.js';

/** A configured queue as far as the board cares (config items carry at least these). */
export interface QueueInfo {
  readonly id: string;
  readonly name: string;
}

export interface QueueBoardDeps {
  bus: EventBus;
  db: Db;
  clock: Clock;
  queues: readonly QueueInfo[];
  timeZone: string;
  serviceLevelSeconds: (queueId: string) => number;
  /** Each newer queue.state (for the gauges). */
  onState?: (state: EventData<'queueState'>) => void;
}

type QueueState = EventData<'queueState'>;

function liveOf(s: QueueState): QueueLiveData {
  const { open, accepting, depth, longestWaitMs, availableAgents, loggedInAgents, at } = s;
  const live = { open, accepting, depth, longestWaitMs, availableAgents, loggedInAgents, at };
  return s.nextOpenAt !== undefined ? { ...live, nextOpenAt: s.nextOpenAt } : live;
}

export class QueueBoard {
  readonly #d: QueueBoardDeps;
  readonly #states = new Map<string, QueueState>();
  #unsubscribe: Unsubscribe | undefined;

  constructor(deps: QueueBoardDeps) {
    this.#d = deps;
  }

  start(): void {
    this.#unsubscribe ??= this.#d.bus.subscribe('queue.state.>', (e) => this.accept(e));
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Keeps the newest state per queue (an older one arriving late is ignored). */
  accept(e: BusEnvelope): void {
    if (e.type !== 'queue.state') return;
    const s = e.data as QueueState;
    const current = this.#states.get(s.queueId);
    if (current !== undefined && Date.parse(current.at) > Date.parse(s.at)) return;
    this.#states.set(s.queueId, s);
    this.#d.onState?.(s);
  }

  has(id: string): boolean {
    return this.#d.queues.some((q) => q.id === id);
  }

  /** Every configured queue (in config order), or only `id`. */
  async views(id?: string): Promise<QueueViewData[]> {
    const queues = this.#d.queues.filter((q) => id === undefined || q.id === id);
    const since = startOfLocalDay(this.#d.clock.wallNow().getTime(), this.#d.timeZone);
    const sl = this.#d.serviceLevelSeconds;
    const ids = queues.map((q) => q.id);
    const counts = await queueDayCounts(this.#d.db, ids, since, (q) => sl(q) * 1000);
    return queues.map((q) => {
      const f = dayFigures(counts.get(q.id) ?? NO_CALLS);
      const state = this.#states.get(q.id);
      return {
        id: q.id,
        name: q.name,
        live: state ? liveOf(state) : null,
        today: {
          since: since.toISOString(),
          offered: f.offered,
          answered: f.answered,
          abandoned: f.abandoned,
          asaMs: f.asaMs,
          serviceLevel: {
            thresholdSeconds: sl(q.id),
            answeredWithin: f.answeredWithin,
            ratio: f.serviceLevel,
          },
        },
      };
    });
  }
}
