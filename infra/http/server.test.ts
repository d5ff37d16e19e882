import { Type } from '@sinclair/typebox';
import t from 'tap';
import { auth, buildTestServer, TOKENS } from '../../test-support/http-test-server.js';
import { ConflictError } from './errors.js';
import { addRoute } from './route.js';

interface ErrorJson {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

t.test('status: 401 without or with an unknown token, 200 for any role', async (t) => {
  const { app, clock } = await buildTestServer();
  t.teardown(() => app.close());
  for (const headers of [
    {},
    { authorization: 'Bearer not-a-configured-token' },
    { authorization: 'Basic abc' },
  ]) {
    const res = await app.inject({ method: 'GET', url: '/api/v1/status', headers });
    t.equal(res.statusCode, 401);
    const body = res.json<ErrorJson>();
    t.equal(body.error.code, 'unauthorized');
    t.type(body.error.message, 'string');
  }
  clock.advance(5000);
  const res = await app.inject({ method: 'GET', url: '/api/v1/status', headers: auth('agent') });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { node: 'node-t1', version: '9.9.9-test', uptimeS: 5, ready: true, components: [] });
});

t.test('a role-restricted route: 403 for lower roles, 200 for the role', async (t) => {
  const { app } = await buildTestServer();
  t.teardown(() => app.close());
  addRoute(app, {
    method: 'GET',
    url: '/api/v1/admin-only',
    access: 'admin',
    summary: 'test route',
    response: Type.Object({ role: Type.String() }),
    handler: ({ principal }) => ({ role: principal?.role ?? 'none' }),
  });
  for (const role of ['agent', 'supervisor'] as const) {
    const res = await app.inject({ method: 'GET', url: '/api/v1/admin-only', headers: auth(role) });
    t.equal(res.statusCode, 403, role);
    t.equal(res.json<ErrorJson>().error.code, 'forbidden');
  }
  const ok = await app.inject({ method: 'GET', url: '/api/v1/admin-only', headers: auth('admin') });
  t.equal(ok.statusCode, 200);
  t.same(ok.json(), { role: 'admin' });
});

t.test('validation errors: 400 listing every bad field; inputs typed and coerced', async (t) => {
  const { app } = await buildTestServer();
  t.teardown(() => app.close());
  addRoute(app, {
    method: 'POST',
    url: '/api/v1/things/:id',
    access: 'supervisor',
    summary: 'test route',
    params: Type.Object({ id: Type.String({ pattern: '^[a-z]+$' }) }),
    query: Type.Object({ limit: Type.Integer({ minimum: 1, default: 10 }) }, { additionalProperties: false }),
    body: Type.Object(
      { name: Type.String({ minLength: 1 }), count: Type.Integer() },
      { additionalProperties: false },
    ),
    response: Type.Object({
      id: Type.String(),
      limit: Type.Integer(),
      name: Type.String(),
      count: Type.Integer(),
    }),
    status: 201,
    handler: ({ params, query, body }) => ({
      id: params.id,
      limit: query.limit,
      name: body.name,
      count: body.count,
    }),
  });
  const bad = await app.inject({
    method: 'POST',
    url: '/api/v1/things/abc',
    headers: auth('supervisor'),
    payload: { name: '', count: 'x', extra: true },
  });
  t.equal(bad.statusCode, 400);
  const body = bad.json<ErrorJson>();
  t.equal(body.error.code, 'validation');
  const paths = (body.error.details ?? []).map((d) => d.path).sort();
  t.same(paths, ['/body/count', '/body/extra', '/body/name']);
  t.ok(body.error.details?.every((d) => d.message.length > 0));

  const badQuery = await app.inject({
    method: 'POST',
    url: '/api/v1/things/ABC?limit=0',
    headers: auth('admin'),
    payload: { name: 'n', count: 1 },
  });
  t.equal(badQuery.statusCode, 400);
  t.same(
    (badQuery.json<ErrorJson>().error.details ?? []).map((d) => d.path),
    ['/params/id'],
    'params are validated first (fastify order: params, body, querystring)',
  );

  const ok = await app.inject({
    method: 'POST',
    url: '/api/v1/things/abc?limit=3',
    headers: auth('admin'),
    payload: { name: 'n', count: 2 },
  });
  t.equal(ok.statusCode, 201);
  t.same(ok.json(), { id: 'abc', limit: 3, name: 'n', count: 2 });
  const defaulted = await app.inject({
    method: 'POST',
    url: '/api/v1/things/abc',
    headers: auth('admin'),
    payload: { name: 'n', count: 2 },
  });
  t.equal(defaulted.json<{ limit: number }>().limit, 10, 'query default applied');

  const missing = await app.inject({
    method: 'POST',
    url: '/api/v1/things/abc',
    headers: auth('admin'),
    payload: {},
  });
  t.same(
    missing
      .json<ErrorJson>()
      .error.details?.map((d) => d.path)
      .sort(),
    ['/body/count', '/body/name'],
    'a missing field is reported once',
  );
});

t.test('auth is checked before validation: 401 beats 400', async (t) => {
  const { app } = await buildTestServer();
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/api/v1/events' });
  t.equal(res.statusCode, 401);
});

t.test('unknown routes, bad JSON, wrong media type, handler errors: JSON error bodies', async (t) => {
  const { app } = await buildTestServer();
  t.teardown(() => app.close());
  addRoute(app, {
    method: 'POST',
    url: '/api/v1/echo',
    access: 'agent',
    summary: 'test',
    body: Type.Object({ a: Type.String() }),
    response: Type.Object({ a: Type.String() }),
    handler: ({ body }) => {
      if (body.a === 'boom') throw new Error('secret internals');
      if (body.a === 'dup') throw new ConflictError('already there');
      return body;
    },
  });
  const notFound = await app.inject({ method: 'GET', url: '/nope?token=abc' });
  t.equal(notFound.statusCode, 404);
  t.match(notFound.headers['content-type'], /^application\/json/);
  t.same(notFound.json(), { error: { code: 'not-found', message: 'no route GET /nope' } });

  const post = (payload: string, contentType = 'application/json') =>
    app.inject({
      method: 'POST',
      url: '/api/v1/echo',
      headers: { ...auth('agent'), 'content-type': contentType },
      payload,
    });
  const badJson = await post('{"a":');
  t.equal(badJson.statusCode, 400);
  t.equal(badJson.json<ErrorJson>().error.code, 'bad-request');
  const badType = await post('a=1', 'application/x-www-form-urlencoded');
  t.equal(badType.statusCode, 415);
  t.equal(badType.json<ErrorJson>().error.code, 'unsupported-media-type');
  const boom = await post('{"a":"boom"}');
  t.equal(boom.statusCode, 500);
  t.same(boom.json(), { error: { code: 'internal', message: 'internal error' } }, 'no internals leak');
  const dup = await post('{"a":"dup"}');
  t.equal(dup.statusCode, 409);
  t.same(dup.json(), { error: { code: 'conflict', message: 'already there' } });
});

t.test('the events endpoint without an upgrade: 400 without topics, 426 with them', async (t) => {
  const { app } = await buildTestServer();
  t.teardown(() => app.close());
  const noTopics = await app.inject({ method: 'GET', url: '/api/v1/events', headers: auth('supervisor') });
  t.equal(noTopics.statusCode, 400);
  t.same(
    noTopics.json<ErrorJson>().error.details?.map((d) => d.path),
    ['/querystring/topics'],
  );
  const badTopics = await app.inject({
    method: 'GET',
    url: '/api/v1/events?topics=agent.>.x',
    headers: auth('supervisor'),
  });
  t.equal(badTopics.statusCode, 400);
  const plain = await app.inject({
    method: 'GET',
    url: '/api/v1/events?topics=agent.>',
    headers: auth('supervisor'),
  });
  t.equal(plain.statusCode, 426);
  const agent = await app.inject({
    method: 'GET',
    url: `/api/v1/events?topics=agent.>&token=${TOKENS.agent}`,
  });
  t.equal(agent.statusCode, 426, 'query token accepted for an agent too (its stream is scoped)');
});
