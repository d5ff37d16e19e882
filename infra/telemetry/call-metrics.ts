/**
 * Prometheus metrics of calls, queues and the call records (issue 5 item 5), declared here beside
 * `metrics.ts` and registered in the same registry. Fed by `router/records` from the call.* and
 * queue.state events.
 *
 * Labels are bounded: `queue` is a configured queue id (unknown ids beyond a cap become `other`),
 * `agent` is capped by the feeder (`records.agentMetricsMax`, then `other`), `outcome` and `type`
 * are fixed lists. Per-agent histograms use few buckets to keep series per agent low.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

export interface CallMetrics {
  /** Calls ended, by queue (`none` when the call was never queued) and outcome. */
  readonly callsEnded: Counter<'queue' | 'outcome'>;
  /** Callers waiting, from queue.state. */
  readonly queueDepth: Gauge<'queue'>;
  readonly queueLongestWait: Gauge<'queue'>;
  readonly queueAvailableAgents: Gauge<'queue'>;
  readonly queueLoggedInAgents: Gauge<'queue'>;
  /** Wait until answered (ASA = sum / count). */
  readonly answerSpeed: Histogram<'queue'>;
  /** Callers who hung up before an answer. */
  readonly abandoned: Counter<'queue'>;
  /** Calls counted for service level: answered within the threshold (`met=yes`) or not / abandoned. */
  readonly serviceLevel: Counter<'queue' | 'met'>;
  /** The service-level threshold in seconds per queue. */
  readonly serviceLevelThreshold: Gauge<'queue'>;
  /** Ring time of offers the agent answered. */
  readonly agentAnswerSpeed: Histogram<'agent'>;
  /** Offers an agent let ring out. */
  readonly agentNoAnswer: Counter<'agent'>;
  readonly records: {
    /** Events consumed by the recorder, by type and result (written, duplicate, conflict, foreign). */
    events: Counter<'type' | 'result'>;
    /** Database writes retried after a failure. */
    retries: Counter;
    /** Events given up, by reason (buffer-full, shutdown). */
    dropped: Counter<'reason'>;
    /** Events waiting to be written (buffered, including those retrying). */
    pending: Gauge;
  };
}

const WAIT_BUCKETS_S = [1, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600];
const RING_BUCKETS_S = [2, 5, 10, 20, 30];

export function createCallMetrics(registry: Registry): CallMetrics {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, label: L, buckets: number[]) =>
    new Histogram<L>({ name, help, labelNames: [label], buckets, registers });
  const gauge = (name: string, help: string) =>
    new Gauge<'queue'>({ name, help, labelNames: ['queue'] as const, registers });
  return {
    callsEnded: counter('patchbay_calls_total', 'Calls ended, by queue and outcome', ['queue', 'outcome']),
    queueDepth: gauge('patchbay_queue_depth', 'Callers waiting in the queue'),
    queueLongestWait: gauge('patchbay_queue_longest_wait_seconds', 'Wait of the longest-waiting caller'),
    queueAvailableAgents: gauge('patchbay_queue_available_agents', 'Agents available for the queue'),
    queueLoggedInAgents: gauge('patchbay_queue_logged_in_agents', 'Agents of the queue logged in'),
    answerSpeed: histogram(
      'patchbay_queue_answer_seconds',
      'Wait until answered (ASA = sum / count)',
      'queue',
      WAIT_BUCKETS_S,
    ),
    abandoned: counter('patchbay_queue_abandoned_total', 'Callers who hung up before an answer', ['queue']),
    serviceLevel: counter(
      'patchbay_queue_service_level_calls_total',
      'Answered or abandoned calls; met=yes when answered within the threshold',
      ['queue', 'met'],
    ),
    serviceLevelThreshold: gauge('patchbay_queue_service_level_threshold_seconds', 'Service-level threshold'),
    agentAnswerSpeed: histogram(
      'patchbay_agent_answer_seconds',
      'Ring time of offers the agent answered',
      'agent',
      RING_BUCKETS_S,
    ),
    agentNoAnswer: counter('patchbay_agent_no_answer_total', 'Offers the agent let ring out', ['agent']),
    records: {
      events: counter('patchbay_records_events_total', 'Call events consumed by the recorder', [
        'type',
        'result',
      ]),
      retries: new Counter({
        name: 'patchbay_records_write_retries_total',
        help: 'Record writes retried',
        registers,
      }),
      dropped: counter('patchbay_records_dropped_total', 'Call events given up', ['reason']),
      pending: new Gauge({
        name: 'patchbay_records_pending',
        help: 'Call events waiting to be written',
        registers,
      }),
    },
  };
}
