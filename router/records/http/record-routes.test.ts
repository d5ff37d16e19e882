/**
 * /api/v1/queues and /api/v1/calls through fastify inject() over PGlite in memory, the rows
 * written by the real recorder from events on the in-process bus: roles, live state and today's
 * counts, history filters, cursor pagination to the end, 400 with every bad field, 404.
 */
import t from 'tap';
import type { Test } from 'tap';
import { EVENTS } from '../../../infra/bus/index.js';
import { createCallMetrics } from '../../../infra/telemetry/index.js';
import { FakeClock } from '../../../sip-engine/util/clock.js';
import { auth, buildTestServer } from '../../../test-support/http-test-server.js';
import { openPgliteMemory } from '../../../test-support/test-databases.js';
import { QueueBoard } from '../queue-board.js';
import { RecordMetrics } from '../record-metrics.js';
import {
  abandonedCall,
  answeredCall,
  metricValue,
  overflowedCall,
  publishRecordEvent,
  recorderWorld,
  rejectedCall,
  T0,
} from '../records-testkit.js';
import { registerRecordRoutes } from './record-routes.js';

const db = await openPgliteMemory(t);
const DAY = 86_400_000;
const LIVE = {
  open: true,
  accepting: true,
  depth: 3,
  longestWaitMs: 45_000,
  availableAgents: 1,
  loggedInAgents: 4,
};

const events = [
  ...answeredCall({ callId: 'c1', waitMs: 12_000, gatewayId: 'gw1' }),
  ...abandonedCall({ callId: 'c2', waitMs: 30_000, startMs: 1_000, caller: '+441234' }),
  ...overflowedCall({ callId: 'c3', startMs: 2_000 }),
  ...rejectedCall({ callId: 'c4', queueId: 'support', startMs: 3_000 }),
  ...answeredCall({ callId: 'c5', waitMs: 40_000, agentId: 'a3', startMs: 4_000 }),
  ...answeredCall({ callId: 'y1', startMs: -DAY, gatewayId: 'gw1' }),
];

async function world(t: Test) {
  await db.handle.db.deleteFrom('call_offers').execute();
  await db.handle.db.deleteFrom('calls').execute();
  const s = await buildTestServer();
  t.teardown(() => s.app.close());
  const rec = recorderWorld(db.handle.db, s.bus, { nodeId: s.config.node.id });
  const callMetrics = createCallMetrics(s.metrics.registry);
  const sink = new RecordMetrics(callMetrics, {
    queueIds: ['sales', 'support'],
    agentLabels: 5,
    serviceLevelSeconds: () => 20,
  });
  const board = new QueueBoard({
    bus: s.bus,
    db: db.handle.db,
    clock: new FakeClock(T0 + 10 * 3_600_000),
    queues: [
      { id: 'sales', name: 'Sales' },
      { id: 'support', name: 'Support' },
    ],
    timeZone: 'Europe/Paris',
    serviceLevelSeconds: () => 20,
    onState: (st) => sink.queueState(st),
  });
  board.start();
  t.teardown(() => board.stop());
  registerRecordRoutes(s.app, { board, db: db.handle.db });
  for (const e of events) await publishRecordEvent(s.bus, e);
  const state = { queueId: 'sales', ...LIVE };
  await s.bus.publish(EVENTS.queueState, { ...state, at: new Date(T0 + 5_000).toISOString() }, 'sales');
  await s.bus.publish(EVENTS.queueState, { ...state, depth: 9, at: new Date(T0).toISOString() }, 'sales');
  await s.bus.drain();
  await rec.recorder.idle();
  const get = async (url: string, role: 'admin' | 'supervisor' | 'agent' = 'supervisor') => {
    const r = await s.app.inject({ method: 'GET', url, headers: auth(role) });
    return { status: r.statusCode, body: r.json<Record<string, unknown>>() };
  };
  return { app: s.app, get, metrics: s.metrics };
}

t.test('roles: supervisors and admins read; agents 403; no token 401', async (t) => {
  const w = await world(t);
  for (const url of ['/api/v1/queues', '/api/v1/queues/sales', '/api/v1/calls', '/api/v1/calls/c1']) {
    t.equal((await w.app.inject({ method: 'GET', url })).statusCode, 401, url);
    t.equal((await w.get(url, 'agent')).status, 403, url);
    t.equal((await w.get(url, 'supervisor')).status, 200, url);
    t.equal((await w.get(url, 'admin')).status, 200, url);
  }
});

t.test("queues: live state (newest wins), today's counts, ASA and service level; gauges", async (t) => {
  const w = await world(t);
  const list = await w.get('/api/v1/queues');
  t.same(list.body, {
    queues: [
      {
        id: 'sales',
        name: 'Sales',
        live: { ...LIVE, at: new Date(T0 + 5_000).toISOString() },
        today: {
          since: '2026-03-01T23:00:00.000Z',
          offered: 4,
          answered: 3,
          abandoned: 1,
          asaMs: Math.round((12_000 + 62_000 + 40_000) / 3),
          serviceLevel: { thresholdSeconds: 20, answeredWithin: 1, ratio: 0.25 },
        },
      },
      {
        id: 'support',
        name: 'Support',
        live: null,
        today: {
          since: '2026-03-01T23:00:00.000Z',
          offered: 0,
          answered: 0,
          abandoned: 0,
          asaMs: null,
          serviceLevel: { thresholdSeconds: 20, answeredWithin: 0, ratio: null },
        },
      },
    ],
  });
  const one = await w.get('/api/v1/queues/support');
  t.equal(one.status, 200);
  t.same(one.body, (list.body.queues as unknown[])[1]);
  const missing = await w.get('/api/v1/queues/nope');
  t.same(missing, { status: 404, body: { error: { code: 'not-found', message: "no queue 'nope'" } } });
  const text = await w.metrics.text();
  t.equal(metricValue(text, 'patchbay_queue_depth', { queue: 'sales' }), 3);
  t.equal(metricValue(text, 'patchbay_queue_longest_wait_seconds', { queue: 'sales' }), 45);
  t.equal(metricValue(text, 'patchbay_queue_logged_in_agents', { queue: 'sales' }), 4);
});

const ids = (b: Record<string, unknown>): string[] => (b.calls as { id: string }[]).map((c) => c.id);

t.test('calls: newest first, filters, time range', async (t) => {
  const w = await world(t);
  t.same(ids((await w.get('/api/v1/calls')).body), ['c5', 'c4', 'c3', 'c2', 'c1', 'y1']);
  t.same(ids((await w.get('/api/v1/calls?queue=sales')).body), ['c5', 'c3', 'c2', 'c1', 'y1']);
  t.same(ids((await w.get('/api/v1/calls?queue=support')).body), [], 'c4 was refused before queueing');
  t.same(ids((await w.get('/api/v1/calls?outcome=rejected')).body), ['c4']);
  t.same(ids((await w.get('/api/v1/calls?agent=a3')).body), ['c5']);
  t.same(ids((await w.get('/api/v1/calls?outcome=abandoned')).body), ['c2']);
  t.same(ids((await w.get('/api/v1/calls?caller=%2B441234')).body), ['c2']);
  t.same(ids((await w.get('/api/v1/calls?gateway=gw1')).body), ['c1', 'y1']);
  t.same(ids((await w.get('/api/v1/calls?gateway=gw1&queue=sales&outcome=completed')).body), ['c1', 'y1']);
  const from = new Date(T0).toISOString();
  const to = new Date(T0 + 3_000).toISOString();
  t.same(ids((await w.get(`/api/v1/calls?from=${from}&to=${to}`)).body), ['c3', 'c2', 'c1']);
  const c1 = (await w.get('/api/v1/calls?agent=a2&gateway=gw1&from=2026-03-02')).body.calls as unknown[];
  t.match(c1[0], {
    id: 'c1',
    phase: 'ended',
    caller: '+33612345678',
    entry: { kind: 'queue', id: 'sales' },
    queueId: 'sales',
    waitMs: 12_000,
    agentId: 'a2',
    talkMs: 60_000,
    outcome: 'completed',
    hungUpBy: 'agent',
    arrivedAt: new Date(T0).toISOString(),
  });
});

t.test('calls: cursor pagination walks every call once', async (t) => {
  const w = await world(t);
  const seen: string[] = [];
  let url = '/api/v1/calls?limit=2';
  for (let page = 0; page < 10; page++) {
    const r = await w.get(url);
    t.equal(r.status, 200);
    seen.push(...ids(r.body));
    if (typeof r.body.nextCursor !== 'string') break;
    url = `/api/v1/calls?limit=2&cursor=${r.body.nextCursor}`;
  }
  t.same(seen, ['c5', 'c4', 'c3', 'c2', 'c1', 'y1']);
  const last = await w.get('/api/v1/calls?limit=6');
  t.equal(last.body.nextCursor, undefined, 'no cursor on the last page');
});

t.test('calls: bad queries are 400 listing every bad field', async (t) => {
  const w = await world(t);
  const bad = await w.get('/api/v1/calls?limit=501&outcome=lost&queue=a%20b&colour=red');
  t.equal(bad.status, 400);
  const paths = (bad.body.error as { details: { path: string }[] }).details.map((d) => d.path);
  t.same(
    [...new Set(paths)].sort(),
    ['/querystring/colour', '/querystring/limit', '/querystring/outcome', '/querystring/queue'].sort(),
  );
  const times = await w.get('/api/v1/calls?from=2026-13-45T99:00&to=2026-01-01&cursor=bogus');
  t.equal(times.status, 400);
  t.same(
    (times.body.error as { details: { path: string }[] }).details.map((d) => d.path),
    ['/querystring/from', '/querystring/cursor'],
  );
  const order = await w.get('/api/v1/calls?from=2026-03-02&to=2026-03-01');
  t.match(order.body, {
    error: { code: 'validation', details: [{ path: '/querystring/to', message: 'must be after from' }] },
  });
  t.equal((await w.get('/api/v1/calls?limit=0')).status, 400);
  t.equal((await w.get('/api/v1/calls?from=yesterday')).status, 400);
});

t.test('one call with its offers; unknown call 404', async (t) => {
  const w = await world(t);
  const r = await w.get('/api/v1/calls/c1');
  t.equal(r.status, 200);
  t.match(r.body, { id: 'c1', agentId: 'a2', outcome: 'completed' });
  t.match(r.body.offers, [
    {
      offerId: 'c1-o1',
      agentId: 'a1',
      phase: 'ended',
      outcome: 'no-answer',
      ringMs: 5_000,
      queueId: 'sales',
    },
    { offerId: 'c1-o2', agentId: 'a2', phase: 'ended', outcome: 'answered', ringMs: 3_000 },
  ]);
  t.same(await w.get('/api/v1/calls/zz'), {
    status: 404,
    body: { error: { code: 'not-found', message: "no call 'zz'" } },
  });
});
