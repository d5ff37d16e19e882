import t from 'tap';
import type { Test } from 'tap';
import { WebSocket } from 'ws';
import { MemoryBus } from '../../../infra/bus/memory-bus.js';
import type { BusEnvelope } from '../../../infra/bus/types.js';
import { auth, buildTestServer } from '../../../test-support/http-test-server.js';
import { freePort } from '../../../test-support/ports.js';
import { nextEvent, waitFor } from '../../../test-support/wait.js';
import { openTestDb, stateWorld } from '../agent-state-testkit.js';
import { registerAgentStateRoutes } from './agent-state-routes.js';
import type { TOKENS } from '../../../test-support/http-test-server.js';

/** The shared JSON error shape of a failed response. */
interface ErrorBody {
  error: { code: string; message: string };
}
const errorOf = (res: { json: () => unknown }): ErrorBody['error'] => (res.json() as ErrorBody).error;

const db = await openTestDb(t);

/** The test token `agent` belongs to a17; a18 is someone else. */
async function setup(t: Test, port?: number) {
  const bus = new MemoryBus({ nodeId: 'node-t1' });
  const server = await buildTestServer({ bus, ...(port !== undefined ? { port } : {}) });
  const world = stateWorld(t, db, ['a17', 'a18'], { bus, clock: server.clock });
  // Every test starts from a17 and a18 without history (one database for the file).
  for (const id of ['a17', 'a18']) await world.store.forget(id);
  registerAgentStateRoutes(server.app, world.service);
  t.teardown(async () => {
    await server.app.close();
    await bus.drain();
  });
  return { ...server, world };
}

const post = (url: string, role: keyof typeof TOKENS, payload: object) =>
  ({ method: 'POST', url, headers: auth(role), payload }) as const;

t.test('an agent reads and changes its own state; the body is the new view', async (t) => {
  const { app } = await setup(t);
  const first = await app.inject({ method: 'GET', url: '/api/v1/agents/a17/state', headers: auth('agent') });
  t.equal(first.statusCode, 200);
  t.same(first.json(), {
    id: 'a17',
    state: 'logged-out',
    mode: 'logged-out',
    version: 0,
    availability: 'unavailable',
    channels: { voice: 'unavailable', chat: 'unavailable' },
    devices: 0,
  });
  const login = await app.inject(post('/api/v1/agents/a17/state', 'agent', { action: 'login' }));
  t.equal(login.statusCode, 200);
  t.match(login.json(), { state: 'ready', version: 1, channels: { chat: 'available' } });
  const pause = await app.inject(
    post('/api/v1/agents/a17/state', 'agent', { action: 'not-ready', reason: 'lunch' }),
  );
  t.match(pause.json(), { state: 'not-ready', reason: 'lunch', version: 2 });
});

t.test('roles: an agent may not touch another agent; supervisor and admin may', async (t) => {
  const { app } = await setup(t);
  const other = await app.inject({ method: 'GET', url: '/api/v1/agents/a18/state', headers: auth('agent') });
  t.equal(other.statusCode, 403);
  t.equal(errorOf(other).code, 'forbidden');
  const otherPost = await app.inject(post('/api/v1/agents/a18/state', 'agent', { action: 'login' }));
  t.equal(otherPost.statusCode, 403);
  const sup = await app.inject(post('/api/v1/agents/a18/state', 'supervisor', { action: 'login' }));
  t.equal(sup.statusCode, 200);
  const adm = await app.inject(post('/api/v1/agents/a18/state', 'admin', { action: 'logout' }));
  t.match(adm.json(), { state: 'logged-out', version: 2 });
  const anon = await app.inject({ method: 'GET', url: '/api/v1/agents/a18/state' });
  t.equal(anon.statusCode, 401);
});

t.test('unknown agent → 404; refused transition → 409; bad body → 400', async (t) => {
  const { app } = await setup(t);
  const missing = await app.inject({ method: 'GET', url: '/api/v1/agents/zz/state', headers: auth('admin') });
  t.equal(missing.statusCode, 404);
  t.equal(errorOf(missing).code, 'not-found');
  const missingPost = await app.inject(post('/api/v1/agents/zz/state', 'admin', { action: 'login' }));
  t.equal(missingPost.statusCode, 404);
  const refused = await app.inject(post('/api/v1/agents/a17/state', 'agent', { action: 'ready' }));
  t.equal(refused.statusCode, 409);
  t.equal(errorOf(refused).code, 'conflict');
  t.match(errorOf(refused).message, /not-logged-in/);
  await app.inject(post('/api/v1/agents/a17/state', 'agent', { action: 'login' }));
  const noWrap = await app.inject(post('/api/v1/agents/a17/state', 'agent', { action: 'extend-wrap-up' }));
  t.equal(noWrap.statusCode, 409);
  t.match(errorOf(noWrap).message, /not-in-wrap-up/);
  for (const payload of [
    {},
    { action: 'dance' },
    { action: 'ready', extra: 1 },
    { action: 'not-ready', reason: '' },
  ]) {
    const bad = await app.inject(post('/api/v1/agents/a17/state', 'agent', payload));
    t.equal(bad.statusCode, 400, JSON.stringify(payload));
    t.equal(errorOf(bad).code, 'validation');
  }
});

t.test('extend-wrap-up extends the current wrap-up', async (t) => {
  const { app, world } = await setup(t);
  const s = world.service;
  await s.submit('a17', { type: 'log-in' });
  await s.submit('a17', { type: 'call-started', callId: 'c9', channel: 'voice' });
  await s.submit('a17', { type: 'call-ended', callId: 'c9' });
  const r = await app.inject(
    post('/api/v1/agents/a17/state', 'agent', { action: 'extend-wrap-up', extendMs: 5000 }),
  );
  t.equal(r.statusCode, 200);
  t.match(r.json(), { state: 'wrap-up', version: 4 });
  world.clock.advance(10_000);
  t.match((await s.view('a17'))?.state, 'wrap-up', 'still in wrap-up at the old deadline');
  world.clock.advance(5000);
  await waitFor(async () => (await s.view('a17'))?.state === 'ready', { what: 'extended wrap-up end' });
});

t.test('the events WebSocket streams agent.state after a POST', async (t) => {
  const port = await freePort();
  const { app } = await setup(t, port);
  await app.listen({ host: '127.0.0.1', port });
  const url = `ws://127.0.0.1:${port}/api/v1/events?topics=agent.state.>`;
  const ws = new WebSocket(url, { headers: auth('supervisor') });
  t.teardown(() => ws.terminate());
  await nextEvent(ws, 'open', { timeoutMs: 5000 });
  const message = nextEvent<[Buffer]>(ws, 'message', { timeoutMs: 5000 });
  const r = await app.inject(post('/api/v1/agents/a17/state', 'agent', { action: 'login' }));
  t.equal(r.statusCode, 200);
  const [data] = await message;
  const envelope = JSON.parse(data.toString('utf8')) as BusEnvelope;
  t.equal(envelope.topic, 'agent.state.a17');
  t.match(envelope.data, { agentId: 'a17', version: 1, from: 'logged-out', to: 'ready', event: 'log-in' });
});
