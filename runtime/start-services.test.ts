/**
 * `patchbay start` as a process with the machine's PostgreSQL (127.0.0.1:5432, database `test`, a
 * fresh schema) and NATS (127.0.0.1:4222): same scenario as the embedded test, plus what the node
 * left behind: system.started / system.stopping rows in its schema and events on NATS.
 * Unreachable services: skipped with the reason locally, a failure under CI=true.
 */
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { createBus } from '../infra/bus/index.js';
import type { BusEnvelope } from '../infra/bus/index.js';
import { createNodeEventLog, openDatabase } from '../infra/db/index.js';
import { systemClock } from '../sip-engine/util/clock.js';
import { runScenario, scenarioPorts, scenarioYaml } from '../test-support/patchbay-scenario.js';
import { requireService } from '../test-support/services.js';
import { waitFor } from '../test-support/wait.js';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const NATS_URL = 'nats://127.0.0.1:4222';

const pg = await requireService('PostgreSQL', '127.0.0.1', 5432);
const nats = await requireService('NATS', '127.0.0.1', 4222);
const skip = 'skip' in pg ? pg.skip : 'skip' in nats ? nats.skip : undefined;

async function dropSchema(schema: string): Promise<void> {
  const admin = await openDatabase({ url: PG_URL, migrate: false, poolMax: 1 });
  try {
    await admin.db.schema.dropSchema(schema).ifExists().cascade().execute();
  } finally {
    await admin.close();
  }
}

t.test(
  'PostgreSQL + NATS: ready, SIP answers, SIGTERM → exit 0 in < 5 s',
  skip ? { skip } : {},
  async (t) => {
    const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    const nodeId = `start-services-${randomUUID().slice(0, 8)}`;
    t.teardown(() => dropSchema(schema));
    const observer = await createBus({ url: NATS_URL, nodeId: 'start-services-observer' });
    t.teardown(() => observer.drain());
    const seen: BusEnvelope[] = [];
    observer.subscribe('system.>', (e) => {
      if (e.source === nodeId) seen.push(e);
    });
    const ports = await scenarioPorts();
    const extra = [`database: { url: "${PG_URL}", schema: ${schema} }`, `bus: { url: "${NATS_URL}" }`].join(
      '\n',
    );
    const pb = await runScenario(t, scenarioYaml(nodeId, ports, extra), ports);

    const started = pb.logs().find((l) => typeof l.msg === 'string' && l.msg.startsWith('patchbay started'));
    t.equal(started?.database, `postgres ${PG_URL} (schema ${schema})`);
    t.equal(started?.bus, 'nats');

    await waitFor(() => seen.length >= 2, { timeoutMs: 5000, what: 'system events on NATS' });
    t.same(
      seen.map((e) => e.topic),
      [`system.started.${nodeId}`, `system.stopping.${nodeId}`],
      'the node announced start and stop on NATS',
    );

    const db = await openDatabase({ url: PG_URL, schema, migrate: false, poolMax: 1 });
    t.teardown(() => db.close());
    const events = await createNodeEventLog(db.db, systemClock).recent({ node: nodeId });
    t.same(
      events.map((e) => e.type).reverse(),
      ['system.started', 'system.stopping'],
      'node_events in the fresh schema',
    );
  },
);
