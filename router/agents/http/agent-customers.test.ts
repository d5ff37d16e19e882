/**
 * POST /api/v1/agents/:id/customers through fastify inject() over PGlite in memory: an agent token
 * adds a caller to its own personal customers (stored: a fresh directory over the same database
 * reads it; `directory.agent.changed` published so the router re-reads it), idempotently; another
 * agent's id → 403; a number owned by another agent → 409; bad number → 400; unknown agent → 404.
 */
import t from 'tap';
import { auth, buildTestServer } from '../../../test-support/http-test-server.js';
import { openPgliteMemory } from '../../../test-support/test-databases.js';
import { MemoryBus } from '../../../infra/bus/memory-bus.js';
import type { BusEnvelope } from '../../../infra/bus/index.js';
import { AgentDirectory } from '../agent-directory.js';
import { createAgentRepository } from '../store/agent-repository.js';
import { registerAgentRoutes } from './agent-routes.js';
import { waitFor } from '../../../test-support/wait.js';

const db = await openPgliteMemory(t);
const CALLER = '+4989123456';

t.test('an agent makes a caller its personal customer, permanently', async (t) => {
  const s = await buildTestServer();
  t.teardown(() => s.app.close());
  const bus = new MemoryBus({ nodeId: 'node-t1' });
  t.teardown(() => bus.drain());
  const changed: BusEnvelope[] = [];
  bus.subscribe('directory.agent.changed.>', (e) => changed.push(e));
  const repo = createAgentRepository(db.handle.db);
  const dir = new AgentDirectory({ repo, realm: 'cc.example.com', clock: s.clock, bus });
  registerAgentRoutes(s.app, dir);
  for (const [id, name] of [
    ['a17', 'alice'],
    ['a18', 'bob'],
  ]) {
    const created = await s.app.inject({
      method: 'POST',
      url: '/api/v1/agents',
      headers: auth('admin'),
      payload: { id, name, aors: [`sip:${name}@cc.example.com`] },
    });
    t.equal(created.statusCode, 201, created.body);
  }
  const post = (id: string, number: unknown, who?: 'agent' | 'supervisor') =>
    s.app.inject({
      method: 'POST',
      url: `/api/v1/agents/${id}/customers`,
      ...(who ? { headers: auth(who) } : {}),
      payload: { number },
    });

  const added = await post('a17', CALLER, 'agent'); // the agent token acts as a17
  t.equal(added.statusCode, 200, added.body);
  t.match(added.json(), { id: 'a17', personalCustomers: [CALLER], version: 2 });
  const again = await post('a17', CALLER, 'agent');
  t.match(again.json(), { personalCustomers: [CALLER], version: 2 }, 'idempotent: no new version');

  const reread = new AgentDirectory({ repo, realm: 'cc.example.com', clock: s.clock });
  t.same((await reread.get('a17')).personalCustomers, [CALLER], 'stored in the database');
  await waitFor(() => changed.length >= 3, { what: 'directory.agent.changed events', timeoutMs: 5000 });
  t.same(
    changed.filter((e) => e.topic === 'directory.agent.changed.a17').map((e) => e.data),
    [
      { agentId: 'a17', change: 'created', version: 1 },
      { agentId: 'a17', change: 'updated', version: 2 },
    ],
    'directory.agent.changed: the router re-reads the customers',
  );

  t.equal((await post('a18', '+4930555000', 'agent')).statusCode, 403, "another agent's id");
  const taken = await post('a18', CALLER, 'supervisor');
  t.equal(taken.statusCode, 409, 'already a17’s customer');
  t.match(taken.json(), { error: { code: 'conflict' } });
  const bySupervisor = await post('a18', '+4930555000', 'supervisor');
  t.equal(bySupervisor.statusCode, 200, `a supervisor for any agent: ${bySupervisor.body}`);
  const bad = await post('a17', 'not-a-number', 'agent');
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { error: { code: 'validation', details: [{ path: '/body/number' }] } });
  t.equal((await post('zz', CALLER, 'supervisor')).statusCode, 404);
  t.equal((await post('a17', CALLER)).statusCode, 401);
});
