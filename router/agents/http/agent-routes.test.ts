/**
 * /api/v1/agents through fastify inject() (no network) over PGlite in memory: roles, status codes,
 * the JSON error shape, validation details, and that neither password nor HA1 ever leaves.
 */
import t from 'tap';
import type { Test } from 'tap';
import { auth, buildTestServer } from '../../../test-support/http-test-server.js';
import { openPgliteMemory } from '../../../test-support/test-databases.js';
import { AgentDirectory } from '../agent-directory.js';
import { createAgentRepository } from '../store/agent-repository.js';
import { registerAgentRoutes } from './agent-routes.js';

const db = await openPgliteMemory(t);

async function server(t: Test) {
  await db.handle.db.deleteFrom('agents').execute();
  const s = await buildTestServer();
  const dir = new AgentDirectory({
    repo: createAgentRepository(db.handle.db),
    realm: 'cc.example.com',
    clock: s.clock,
  });
  registerAgentRoutes(s.app, dir);
  t.teardown(() => s.app.close());
  return s.app;
}

const alice = {
  id: 'a17',
  name: 'Alice',
  aors: ['sip:alice@cc.example.com'],
  auth: { username: 'alice', password: 'correct horse battery' },
  skills: [{ skill: 'english', level: 90 }],
};

t.test('roles: supervisors read, admins write, agents neither; no token → 401', async (t) => {
  const app = await server(t);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/agents' })).statusCode, 401);
  t.equal(
    (await app.inject({ method: 'GET', url: '/api/v1/agents', headers: auth('agent') })).statusCode,
    403,
  );
  t.equal(
    (await app.inject({ method: 'GET', url: '/api/v1/agents', headers: auth('supervisor') })).statusCode,
    200,
  );
  const post = await app.inject({
    method: 'POST',
    url: '/api/v1/agents',
    headers: auth('supervisor'),
    payload: alice,
  });
  t.equal(post.statusCode, 403);
  t.same(post.json(), {
    error: { code: 'forbidden', message: post.json<{ error: { message: string } }>().error.message },
  });
});

t.test(
  'POST 201 with defaults and Location; GET one and list; password and HA1 never returned',
  async (t) => {
    const app = await server(t);
    const post = await app.inject({
      method: 'POST',
      url: '/api/v1/agents',
      headers: auth('admin'),
      payload: alice,
    });
    t.equal(post.statusCode, 201, post.body);
    t.equal(post.headers.location, '/api/v1/agents/a17');
    const body = post.json<Record<string, unknown>>();
    t.match(body, {
      id: 'a17',
      aors: ['sip:alice@cc.example.com'],
      channels: { voice: 1, chat: 3 },
      wrapUpSeconds: 30,
      maxConsecutiveNoAnswers: 3,
      teams: [],
      personalCustomers: [],
      auth: { username: 'alice', realm: 'cc.example.com', algorithms: ['SHA-256', 'MD5'] },
      source: 'api',
      version: 1,
    });
    const one = await app.inject({ method: 'GET', url: '/api/v1/agents/a17', headers: auth('supervisor') });
    t.same(one.json(), body);
    const list = await app.inject({ method: 'GET', url: '/api/v1/agents', headers: auth('supervisor') });
    t.same(list.json(), { agents: [body] });
    for (const text of [post.body, one.body, list.body]) {
      t.notMatch(text, /correct horse|ha1|password/i, 'no secret in the response');
    }
  },
);

t.test('404, 409 and 400 with the JSON error shape', async (t) => {
  const app = await server(t);
  const missing = await app.inject({ method: 'GET', url: '/api/v1/agents/nobody', headers: auth('admin') });
  t.equal(missing.statusCode, 404);
  t.same(missing.json(), { error: { code: 'not-found', message: "no agent 'nobody'" } });
  await app.inject({ method: 'POST', url: '/api/v1/agents', headers: auth('admin'), payload: alice });
  const dup = await app.inject({
    method: 'POST',
    url: '/api/v1/agents',
    headers: auth('admin'),
    payload: alice,
  });
  t.equal(dup.statusCode, 409);
  t.match(dup.json(), { error: { code: 'conflict', message: "agent 'a17' already exists" } });
  const aor = await app.inject({
    method: 'POST',
    url: '/api/v1/agents',
    headers: auth('admin'),
    payload: { id: 'b', name: 'B', aors: ['sip:alice@CC.example.com'] },
  });
  t.equal(aor.statusCode, 409);
  t.match(aor.json(), { error: { code: 'conflict', message: /sip:alice@cc\.example\.com/ } });
  const bad = await app.inject({
    method: 'POST',
    url: '/api/v1/agents',
    headers: auth('admin'),
    payload: { id: 'c', name: 'C', skills: [{ skill: 'x', level: 101 }], channels: { voice: 2 }, extra: 1 },
  });
  t.equal(bad.statusCode, 400);
  const paths = bad.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path);
  t.ok(paths.includes('/body/skills/0/level'), 'level above 100');
  t.ok(paths.includes('/body/channels/voice'), 'voice capacity is at most 1');
  const rule = await app.inject({
    method: 'POST',
    url: '/api/v1/agents',
    headers: auth('admin'),
    payload: { id: 'd', name: 'D', aors: ['sip:d@h', 'sip:d@H'] },
  });
  t.equal(rule.statusCode, 400);
  t.same(rule.json(), {
    error: {
      code: 'validation',
      message: 'invalid agent',
      details: [{ path: '/body/aors/1', message: 'duplicate of sip:d@h' }],
    },
  });
});

t.test('PUT, PATCH and DELETE', async (t) => {
  const app = await server(t);
  await app.inject({ method: 'POST', url: '/api/v1/agents', headers: auth('admin'), payload: alice });
  const { id: _id, ...rest } = alice;
  const put = await app.inject({
    method: 'PUT',
    url: '/api/v1/agents/a17',
    headers: auth('admin'),
    payload: { ...rest, name: 'Alice M.', auth: { username: 'alice' } },
  });
  t.equal(put.statusCode, 200, put.body);
  t.match(put.json(), { name: 'Alice M.', version: 2, auth: { username: 'alice' } });
  const patch = await app.inject({
    method: 'PATCH',
    url: '/api/v1/agents/a17',
    headers: auth('admin'),
    payload: { wrapUpSeconds: 0, channels: { chat: 0 } },
  });
  t.match(patch.json(), { wrapUpSeconds: 0, channels: { voice: 1, chat: 0 }, version: 3, name: 'Alice M.' });
  const noPw = await app.inject({
    method: 'PATCH',
    url: '/api/v1/agents/a17',
    headers: auth('admin'),
    payload: { auth: { username: 'renamed' } },
  });
  t.equal(noPw.statusCode, 400);
  t.match(noPw.json(), { error: { details: [{ path: '/body/auth/password' }] } });
  const putMissing = await app.inject({
    method: 'PUT',
    url: '/api/v1/agents/zz',
    headers: auth('admin'),
    payload: rest,
  });
  t.equal(putMissing.statusCode, 404);
  const del = await app.inject({ method: 'DELETE', url: '/api/v1/agents/a17', headers: auth('admin') });
  t.equal(del.statusCode, 200);
  t.match(del.json(), { id: 'a17' });
  t.equal(
    (await app.inject({ method: 'DELETE', url: '/api/v1/agents/a17', headers: auth('admin') })).statusCode,
    404,
  );
});

t.test('the routes are in the OpenAPI document', async (t) => {
  const app = await server(t);
  const doc = (await app.inject({ method: 'GET', url: '/api/docs' })).json<{
    paths: Record<string, Record<string, unknown>>;
  }>();
  t.same(Object.keys(doc.paths['/api/v1/agents/{id}'] ?? {}).sort(), ['delete', 'get', 'patch', 'put']);
  t.same(Object.keys(doc.paths['/api/v1/agents'] ?? {}).sort(), ['get', 'post']);
});
