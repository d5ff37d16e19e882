import t from 'tap';
import { auth, buildTestServer } from '../../test-support/http-test-server.js';
import { waitFor } from '../../test-support/wait.js';

t.test('liveness answers 200 without a token', async (t) => {
  const { app } = await buildTestServer();
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/health/live' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { status: 'live' });
});

t.test('readiness flips with the registered checks', async (t) => {
  const { app, readiness, metrics } = await buildTestServer();
  t.teardown(() => app.close());
  let dbReady = true;
  readiness.register('database', () => dbReady);
  readiness.register('bus', () => Promise.resolve({ ready: true }));
  const first = await app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(first.statusCode, 200);
  t.same(first.json<{ failing: string[] }>().failing, []);

  dbReady = false;
  const down = await app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(down.statusCode, 503);
  t.same(down.json<{ status: string; failing: string[] }>(), {
    status: 'not-ready',
    failing: ['database'],
    components: [
      { name: 'database', ready: false },
      { name: 'bus', ready: true },
    ],
  });
  t.match(await metrics.text(), /patchbay_component_ready\{component="database"\} 0/);

  readiness.register('engine', () => {
    throw new Error('not started');
  });
  dbReady = true;
  const engineDown = await app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(engineDown.statusCode, 503);
  t.same(engineDown.json<{ failing: string[] }>().failing, ['engine']);
  const status = await app.inject({ method: 'GET', url: '/api/v1/status', headers: auth('agent') });
  t.same(status.json<{ components: unknown[] }>().components[2], {
    name: 'engine',
    ready: false,
    detail: 'not started',
  });
});

t.test('a readiness check that never answers fails at its timeout', async (t) => {
  const { app, readiness, clock } = await buildTestServer();
  t.teardown(() => app.close());
  readiness.register('slow', () => new Promise<boolean>(() => undefined));
  const pending = app.inject({ method: 'GET', url: '/health/ready' });
  await waitFor(() => clock.pending > 0, { what: 'the readiness timeout timer' });
  clock.advance(2000);
  const res = await pending;
  t.equal(res.statusCode, 503);
  t.same(res.json<{ components: unknown[] }>().components, [
    { name: 'slow', ready: false, detail: 'no answer in 2000 ms' },
  ]);
});

t.test('metrics: Prometheus text with request counters and process/event-loop metrics', async (t) => {
  const { app } = await buildTestServer();
  t.teardown(() => app.close());
  await app.inject({ method: 'GET', url: '/health/live' });
  await app.inject({ method: 'GET', url: '/no/such/route/123' });
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain/);
  t.match(res.body, /patchbay_http_requests_total\{method="GET",route="\/health\/live",status="2xx"\} 1/);
  t.match(res.body, /patchbay_http_requests_total\{method="GET",route="unmatched",status="4xx"\} 1/);
  t.notMatch(res.body, /no\/such\/route/, 'raw URLs never become labels');
  t.match(res.body, /nodejs_eventloop_lag_p99_seconds/);
  t.match(res.body, /process_cpu_user_seconds_total/);
});

t.test('OpenAPI document lists the routes with their schemas and security', async (t) => {
  const { app } = await buildTestServer();
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/api/docs' });
  t.equal(res.statusCode, 200);
  const doc = res.json<{
    openapi: string;
    info: { version: string };
    paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    components: { securitySchemes: Record<string, unknown> };
  }>();
  t.match(doc.openapi, /^3\./);
  t.equal(doc.info.version, '9.9.9-test');
  for (const path of ['/api/v1/status', '/api/v1/events', '/health/live', '/health/ready', '/metrics']) {
    t.ok(doc.paths[path]?.['get'], `documents GET ${path}`);
  }
  t.notOk(doc.paths['/api/docs'], 'the document itself is hidden');
  const status = doc.paths['/api/v1/status']?.['get'];
  t.same(status?.security, [{ bearer: [] }]);
  t.ok(status?.responses['200'] && status.responses['401'] && status.responses['403']);
  t.ok(doc.components.securitySchemes['bearer']);
});
