/**
 * The records wiring as `patchbay start` uses it: from the config (queues, records section), on
 * the node's bus, database and metrics registry; routes on the API server; the recorder stopped
 * inside `close-database` before the database itself closes, with the last events written.
 */
import t from 'tap';
import { parseConfig } from '../config/index.js';
import { MemoryBus } from '../infra/bus/index.js';
import { createLogger, createMetrics } from '../infra/telemetry/index.js';
import { Readiness } from '../infra/http/index.js';
import { metricValue, publishRecordEvent, answeredCall } from '../router/records/records-testkit.js';
import { systemClock } from '../sip-engine/util/clock.js';
import { TOKENS } from '../test-support/http-test-server.js';
import { openPgliteMemory } from '../test-support/test-databases.js';
import { buildHttp } from './components.js';
import { startRecords } from './records-wiring.js';
import type { ShutdownHooks } from './shutdown.js';

t.test(
  'records from the config: events → rows, metrics on /metrics, routes, stop before the database closes',
  async (t) => {
    const text = `
node: { id: n1 }
http: { tokens: [{ token: ${TOKENS.supervisor}, role: supervisor }] }
queues: [{ id: sales, name: Sales }]
records: { serviceLevelByQueue: { sales: 15 } }
`;
    const r = parseConfig({ text, env: {} });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const cfg = r.config;
    const db = await openPgliteMemory(t);
    const bus = new MemoryBus({ nodeId: 'n1' });
    const metrics = createMetrics();
    const logger = createLogger({ log: { level: 'silent' }, node: { id: 'n1' } });
    const order: string[] = [];
    const hooks: ShutdownHooks = {
      'close-database': () => {
        order.push('database closed');
        return Promise.resolve();
      },
    };
    const records = startRecords({
      cfg,
      storage: db.handle,
      bus,
      metrics,
      clock: systemClock,
      logger,
      hooks,
    });
    const app = await buildHttp(cfg, {
      logger,
      bus,
      readiness: new Readiness({ clock: systemClock }),
      clock: systemClock,
      version: 't',
      metrics,
    });
    records.registerRoutes(app);
    t.teardown(() => app.close());

    for (const e of answeredCall({ callId: 'w1', waitMs: 10_000 })) await publishRecordEvent(bus, e);
    await bus.drain();
    const pendingBefore = records.recorder.pending;
    await hooks['close-database']?.();
    order.unshift(`recorder had ${pendingBefore > 0 ? 'work' : 'none'}`);
    t.equal(records.recorder.pending, 0, 'everything written by the time the database closes');
    t.equal(order.at(-1), 'database closed');

    const auth = { authorization: `Bearer ${TOKENS.supervisor}` };
    const call = await app.inject({ method: 'GET', url: '/api/v1/calls/w1', headers: auth });
    t.equal(call.statusCode, 200);
    t.match(call.json(), { id: 'w1', outcome: 'completed', waitMs: 10_000, offers: [{}, {}] });
    const queues = await app.inject({ method: 'GET', url: '/api/v1/queues', headers: auth });
    t.match(queues.json(), {
      queues: [{ id: 'sales', name: 'Sales', today: { serviceLevel: { thresholdSeconds: 15 } } }],
    });
    const text2 = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    t.equal(metricValue(text2, 'patchbay_calls_total', { queue: 'sales', outcome: 'completed' }), 1);
    t.equal(metricValue(text2, 'patchbay_queue_service_level_threshold_seconds', { queue: 'sales' }), 15);
    t.equal(
      metricValue(text2, 'patchbay_queue_service_level_calls_total', { queue: 'sales', met: 'yes' }),
      1,
    );
  },
);
