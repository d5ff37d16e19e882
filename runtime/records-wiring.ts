/**
 * Call records, queue statistics and their metrics in `patchbay start` (issue 5 item 5): the
 * recorder on `call.>`, the live queue board on `queue.state.>`, the metrics in the node's registry,
 * the REST routes. Stopped just before the database closes (after the bus has delivered what was
 * published), so the events of the last calls are written.
 */
import type { PatchbayConfig } from '../config/index.js';
import type { EventBus } from '../infra/bus/index.js';
import type { DatabaseHandle } from '../infra/db/index.js';
import { componentLogger, createCallMetrics } from '../infra/telemetry/index.js';
import type { Logger, Metrics } from '../infra/telemetry/index.js';
import { CallRecorder } from '../router/records/call-recorder.js';
import { registerRecordRoutes } from '../router/records/http/record-routes.js';
import { serviceLevelSeconds } from '../router/records/model/records-config.js';
import { QueueBoard } from '../router/records/queue-board.js';
import { RecordMetrics } from '../router/records/record-metrics.js';
import { createRecordStore } from '../router/records/store/record-store.js';
import type { Clock } from '../sip-engine/util/clock.js';
import type { HttpApp } from './components.js';
import type { ShutdownHooks } from './shutdown.js';

export interface RecordsDeps {
  cfg: PatchbayConfig;
  storage: DatabaseHandle;
  bus: EventBus;
  metrics: Metrics;
  clock: Clock;
  logger: Logger;
  /** The recorder stops inside `close-database`, before the database closes. */
  hooks: ShutdownHooks;
}

export interface RecordsRuntime {
  readonly recorder: CallRecorder;
  readonly board: QueueBoard;
  registerRoutes(app: HttpApp): void;
  /** Waits up to `timeoutMs` for buffered events to be written, then stops. */
  stop(timeoutMs?: number): Promise<void>;
}

export function startRecords(d: RecordsDeps): RecordsRuntime {
  const rc = d.cfg.records;
  const sl = serviceLevelSeconds(rc);
  const queues = d.cfg.queues.map((q) => ({ id: q.id, name: q.name }));
  const callMetrics = createCallMetrics(d.metrics.registry);
  const sink = new RecordMetrics(callMetrics, {
    queueIds: queues.map((q) => q.id),
    agentLabels: rc.agentMetricsMax,
    serviceLevelSeconds: sl,
  });
  const recorder = new CallRecorder({
    bus: d.bus,
    store: createRecordStore(d.storage.db),
    clock: d.clock,
    logger: componentLogger(d.logger, 'records'),
    counters: callMetrics.records,
    nodeId: d.cfg.node.id,
    scope: rc.scope,
    bufferMax: rc.bufferMax,
    onFacts: (facts) => facts.forEach((f) => sink.observe(f)),
  });
  const board = new QueueBoard({
    bus: d.bus,
    db: d.storage.db,
    clock: d.clock,
    queues,
    timeZone: rc.timeZone,
    serviceLevelSeconds: sl,
    onState: (s) => sink.queueState(s),
  });
  recorder.start();
  board.start();
  const runtime: RecordsRuntime = {
    recorder,
    board,
    registerRoutes: (app) => registerRecordRoutes(app, { board, db: d.storage.db }),
    async stop(timeoutMs = 1_500) {
      board.stop();
      await recorder.stop(timeoutMs);
    },
  };
  const closeDb = d.hooks['close-database'];
  d.hooks['close-database'] = async () => {
    await runtime.stop();
    await closeDb?.();
  };
  return runtime;
}
