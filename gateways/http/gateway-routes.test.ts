/**
 * /api/v1/gateways through fastify inject() over PGlite in memory: roles, config gateways read-only,
 * CRUD of stored ones with the config's rules (400 with paths), the password never returned, live
 * status, the running service following every write, and a reload from the database.
 */
import t from 'tap';
import type { Test } from 'tap';
import { FakeClock } from '../../sip-engine/util/clock.js';
import { auth, buildTestServer } from '../../test-support/http-test-server.js';
import { openPgliteMemory } from '../../test-support/test-databases.js';
import { GatewayCatalog } from '../service/gateway-catalog.js';
import { GatewayService } from '../service/gateway-service.js';
import { gatewaySpec, invite, REALM } from '../service/gateway-testkit.js';
import { createGatewayRepository } from '../store/gateway-repository.js';
import { registerGatewayRoutes } from './gateway-routes.js';

const db = await openPgliteMemory(t);
const BASE = '/api/v1/gateways';

async function server(t: Test) {
  await db.handle.db.deleteFrom('gateways').execute();
  const s = await buildTestServer();
  const service = new GatewayService({ clock: s.clock });
  const catalog = new GatewayCatalog({
    repo: createGatewayRepository(db.handle.db),
    config: [gatewaySpec({ id: 'carrier', sources: ['192.0.2.0/24'], maxConcurrentCalls: 30 })],
    realm: REALM,
    clock: s.clock,
    service,
    bus: s.bus,
    nodeId: 'node-t1',
  });
  await catalog.load();
  registerGatewayRoutes(s.app, { catalog, service });
  t.teardown(() => s.app.close());
  return { app: s.app, service, catalog, bus: s.bus, clock: s.clock };
}

const pbx = {
  id: 'pbx',
  name: 'Branch PBX',
  kind: 'ip-pbx',
  sources: ['10.1.0.0/16'],
  auth: { username: 'branch', password: 'branch-secret' },
  maxConcurrentCalls: 4,
};

t.test('roles: supervisors read, admins write, agents neither', async (t) => {
  const { app } = await server(t);
  t.equal((await app.inject({ method: 'GET', url: BASE })).statusCode, 401);
  t.equal((await app.inject({ method: 'GET', url: BASE, headers: auth('agent') })).statusCode, 403);
  const list = await app.inject({ method: 'GET', url: BASE, headers: auth('supervisor') });
  t.equal(list.statusCode, 200);
  t.match(list.json(), {
    gateways: [
      {
        id: 'carrier',
        origin: 'config',
        version: 0,
        status: { health: 'unmonitored', inService: true, activeCalls: 0, maxConcurrentCalls: 30 },
      },
    ],
  });
  const post = await app.inject({ method: 'POST', url: BASE, headers: auth('supervisor'), payload: pbx });
  t.equal(post.statusCode, 403);
});

t.test('POST stores it, the service admits from it at once; no password comes back', async (t) => {
  const { app, service, bus } = await server(t);
  const events: string[] = [];
  bus.subscribe('gateway.changed.>', (e) => events.push(`${e.topic} ${JSON.stringify(e.data)}`));
  const post = await app.inject({ method: 'POST', url: BASE, headers: auth('admin'), payload: pbx });
  t.equal(post.statusCode, 201, post.body);
  t.equal(post.headers.location, `${BASE}/pbx`);
  t.notMatch(post.body, /branch-secret|ha1/);
  t.match(post.json(), {
    id: 'pbx',
    origin: 'api',
    version: 1,
    auth: { username: 'branch' },
    transport: 'udp',
  });
  const r = service.admitInvite(invite({ from: '10.1.2.3' }));
  t.match(r, { kind: 'admit', gatewayId: 'pbx' });
  if (r.kind === 'admit') {
    const one = await app.inject({ method: 'GET', url: `${BASE}/pbx`, headers: auth('supervisor') });
    t.match(one.json(), { status: { activeCalls: 1, maxConcurrentCalls: 4 } });
    r.release();
  }
  const row = await db.handle.db.selectFrom('gateways').selectAll().executeTakeFirstOrThrow();
  t.equal(row.username, 'branch');
  t.match(row.ha1_md5, /^[0-9a-f]{32}$/);
  t.notMatch(JSON.stringify(row.spec), /branch-secret/);
  await new Promise((r) => setImmediate(r));
  t.match(events, [/^gateway\.changed\.pbx .*"change":"created"/]);
});

t.test('the config rules: 400 with paths and hints; config gateways are read-only', async (t) => {
  const { app } = await server(t);
  const clash = await app.inject({
    method: 'POST',
    url: BASE,
    headers: auth('admin'),
    payload: { ...pbx, sources: ['192.0.2.0/24', '10.1.0.1/16'] },
  });
  t.equal(clash.statusCode, 400);
  t.match(clash.json(), {
    error: {
      code: 'validation',
      details: [
        { path: '/body/sources/0', message: /already a source of gateway 'carrier'/ },
        { path: '/body/sources/1', message: /bits after the prefix length must be zero/ },
      ],
    },
  });
  const schema = await app.inject({
    method: 'POST',
    url: BASE,
    headers: auth('admin'),
    payload: { id: 'x' },
  });
  t.equal(schema.statusCode, 400);
  t.match(schema.json(), { error: { code: 'validation', details: [{ path: /\/body/ }] } });
  const put = await app.inject({
    method: 'PUT',
    url: `${BASE}/carrier`,
    headers: auth('admin'),
    payload: { ...pbx, id: 'carrier' },
  });
  t.equal(put.statusCode, 409);
  t.match(put.json(), { error: { code: 'conflict', message: /config file/ } });
  const del = await app.inject({ method: 'DELETE', url: `${BASE}/nope`, headers: auth('admin') });
  t.equal(del.statusCode, 404);
});

t.test('PUT replaces (version + 1), DELETE removes; a new catalog reloads from the database', async (t) => {
  const { app, service } = await server(t);
  await app.inject({ method: 'POST', url: BASE, headers: auth('admin'), payload: pbx });
  const put = await app.inject({
    method: 'PUT',
    url: `${BASE}/pbx`,
    headers: auth('admin'),
    payload: { ...pbx, sources: ['10.2.0.0/16'] },
  });
  t.equal(put.statusCode, 200, put.body);
  t.match(put.json(), { version: 2, sources: ['10.2.0.0/16'] });
  t.match(service.admitInvite(invite({ from: '10.1.2.3' })), { kind: 'refuse', status: 403 });
  t.match(service.admitInvite(invite({ from: '10.2.2.3' })), { kind: 'admit', gatewayId: 'pbx' });

  const fresh = new GatewayService({ clock: new FakeClock() });
  const reloaded = new GatewayCatalog({
    repo: createGatewayRepository(db.handle.db),
    config: [],
    realm: REALM,
    clock: new FakeClock(),
    service: fresh,
  });
  t.match(await reloaded.load(), { config: 0, stored: 1, skipped: [] });
  t.match(fresh.get('pbx'), { version: 2, auth: { username: 'branch' }, ha1: { md5: /^[0-9a-f]{32}$/ } });

  const del = await app.inject({ method: 'DELETE', url: `${BASE}/pbx`, headers: auth('admin') });
  t.equal(del.statusCode, 200);
  t.match(service.admitInvite(invite({ from: '10.2.2.3' })), { kind: 'refuse', status: 403 });
  t.equal((await app.inject({ method: 'GET', url: `${BASE}/pbx`, headers: auth('admin') })).statusCode, 404);
});

t.test('the OpenAPI document describes the routes', async (t) => {
  const { app } = await server(t);
  const doc = (await app.inject({ method: 'GET', url: '/api/docs' })).json<{
    paths: Record<string, unknown>;
  }>();
  t.ok(doc.paths['/api/v1/gateways']);
  t.ok(doc.paths['/api/v1/gateways/{id}']);
});
