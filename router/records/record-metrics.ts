/**
 * Turns the records' facts (each seen once per call / offer, whatever the event order) and the
 * queues' live state into the Prometheus metrics of `infra/telemetry/call-metrics.ts`.
 *
 * Service level: an answered call counts `met=yes` when its wait is within the queue's threshold
 * (`records.serviceLevelByQueue[queue]`, else `records.serviceLevelSeconds`), `met=no` otherwise;
 * an abandoned call counts `met=no`. SL = yes / (yes + no).
 */
import type { EventData } from '../../infra/bus/catalogue.js';
import type { CallMetrics } from '../../infra/telemetry/call-metrics.js';
import type { CallFact } from './model/call-record.js';
import type { OfferFact } from './model/offer-record.js';
import { BoundedLabels } from './model/bounded-labels.js';

export const NO_QUEUE_LABEL = 'none';

export interface RecordMetricsOptions {
  /** Configured queue ids (always their own label). */
  queueIds: readonly string[];
  /** Extra queue ids seen in events that get their own label before `other`. */
  extraQueueLabels?: number;
  /** Agents with their own label before `other`. */
  agentLabels: number;
  serviceLevelSeconds: (queueId: string) => number;
}

export class RecordMetrics {
  readonly #m: CallMetrics;
  readonly #queues: BoundedLabels;
  readonly #agents: BoundedLabels;
  readonly #slSeconds: (queueId: string) => number;

  constructor(metrics: CallMetrics, opts: RecordMetricsOptions) {
    this.#m = metrics;
    this.#queues = new BoundedLabels(opts.extraQueueLabels ?? 50, opts.queueIds);
    this.#agents = new BoundedLabels(opts.agentLabels);
    this.#slSeconds = opts.serviceLevelSeconds;
    for (const q of opts.queueIds)
      metrics.serviceLevelThreshold.set({ queue: q }, opts.serviceLevelSeconds(q));
  }

  #queue(id: string | null): string {
    return id === null ? NO_QUEUE_LABEL : this.#queues.label(id);
  }

  observe(fact: CallFact | OfferFact): void {
    if (fact.kind === 'offer-ended') return this.#offerEnded(fact);
    const queue = this.#queue(fact.queueId);
    if (fact.kind === 'answered') {
      this.#m.answerSpeed.observe({ queue }, fact.waitMs / 1000);
      if (fact.queueId !== null) {
        const met = fact.waitMs <= this.#slSeconds(fact.queueId) * 1000 ? 'yes' : 'no';
        this.#m.serviceLevel.inc({ queue, met });
      }
      return;
    }
    this.#m.callsEnded.inc({ queue, outcome: fact.outcome });
    if (fact.outcome === 'abandoned') {
      this.#m.abandoned.inc({ queue });
      if (fact.queueId !== null) this.#m.serviceLevel.inc({ queue, met: 'no' });
    }
  }

  #offerEnded(fact: OfferFact): void {
    const agent = this.#agents.label(fact.agentId);
    if (fact.outcome === 'answered') this.#m.agentAnswerSpeed.observe({ agent }, fact.ringMs / 1000);
    if (fact.outcome === 'no-answer') this.#m.agentNoAnswer.inc({ agent });
  }

  queueState(s: EventData<'queueState'>): void {
    const queue = this.#queue(s.queueId);
    this.#m.queueDepth.set({ queue }, s.depth);
    this.#m.queueLongestWait.set({ queue }, s.longestWaitMs / 1000);
    this.#m.queueAvailableAgents.set({ queue }, s.availableAgents);
    this.#m.queueLoggedInAgents.set({ queue }, s.loggedInAgents);
  }
}
