/**
 * The registrar over real SIP: patchbay's engine with the registrar's srf app on one side, a
 * second engine with an srf user agent on the other, PGlite in a temp directory underneath.
 * MD5 through srf's own 401 retry, SHA-256 answered by hand, identical 401s for an unknown user and
 * a wrong password, a stale nonce, 423, Contact: *, and a restart over the same database.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { MemoryBus } from '../../infra/bus/memory-bus.js';
import type { BusEnvelope } from '../../infra/bus/types.js';
import { openDatabase } from '../../infra/db/index.js';
import type { DatabaseHandle } from '../../infra/db/index.js';
import type { Srf as PatchbaySrf } from '../../infra/drachtio/srf-connection.js';
import { AgentDirectory } from '../../router/agents/agent-directory.js';
import { createAgentRepository } from '../../router/agents/store/agent-repository.js';
import { startEngineWorld } from '../../sip-tests/engine/engine-world.js';
import type { EngineWorld } from '../../sip-tests/engine/engine-world.js';
import { FakeClock } from '../../sip-engine/util/clock.js';
import {
  challengeParams,
  challengesOf,
  digestAuthorization,
  sendRegister,
} from '../../test-support/register-uac.js';
import type { RegisterOptions } from '../../test-support/register-uac.js';
import { disconnectSrf } from '../../test-support/srf-app.js';
import { waitFor } from '../../test-support/wait.js';
import { DigestAuthenticator } from './digest.js';
import { Registrar } from './registrar.js';
import { createRegisterHandler } from './sip/register-handler.js';
import { createBindingStore } from './store/binding-store.js';

const REALM = 'cc.example.com';
const AOR = 'sip:alice@cc.example.com';
const PASSWORD = 'alice-secret-pw';
const SECRET = randomBytes(32);

const dir = mkdtempSync(join(tmpdir(), 'patchbay-registrar-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const dbPath = join(dir, 'db');

interface Side {
  registrar: Registrar;
  events: BusEnvelope[];
  app: Awaited<ReturnType<EngineWorld['connectApp']>>;
}

/** One registrar "process": its own registrar, digest and bus over the database, connected to `world`. */
async function startRegistrar(
  t: Test,
  world: EngineWorld,
  db: DatabaseHandle,
  clock: FakeClock,
): Promise<Side> {
  const bus = new MemoryBus({ nodeId: 'reg', clock });
  t.teardown(() => bus.drain());
  const events: BusEnvelope[] = [];
  bus.subscribe('device.>', (e) => events.push(e));
  const directory = new AgentDirectory({ repo: createAgentRepository(db.db), realm: REALM, clock });
  const digest = new DigestAuthenticator({ realm: REALM, secret: SECRET, clock, nonceTtlMs: 60_000 });
  const registrar = new Registrar({ directory, store: createBindingStore(db.db), digest, clock, bus });
  const handler = createRegisterHandler({ registrar });
  const app = await world.connectApp((srf) => (srf as PatchbaySrf).register(handler), ['register']);
  return { registrar, events, app };
}

const world = await startEngineWorld(t, { transports: ['udp'] });
const phones = await startEngineWorld(t, { transports: ['udp'] });
const ua = await phones.connectApp();
const clock = new FakeClock(Date.now());
const proxy = `sip:${world.hostport('udp')};transport=udp`;
const uri = `sip:${REALM}`;
const base = (extra: Partial<RegisterOptions> = {}): RegisterOptions => ({ uri, proxy, aor: AOR, ...extra });

const db = await openDatabase({ path: dbPath });
const seedDir = new AgentDirectory({ repo: createAgentRepository(db.db), realm: REALM, clock });
await seedDir.create({
  id: 'alice',
  name: 'Alice',
  aors: [AOR],
  auth: { username: 'alice', password: PASSWORD },
  skills: [],
  teams: [],
  channels: { voice: 1, chat: 0 },
  personalCustomers: [],
  wrapUpSeconds: 0,
  maxConsecutiveNoAnswers: 0,
});
const first = await startRegistrar(t, world, db, clock);

t.test(
  'no credentials → 401 with one challenge per algorithm, SHA-256 first, on separate lines',
  async (t) => {
    const res = await sendRegister(ua, base({ contact: '<sip:alice@127.0.0.1:5999>' }));
    t.equal(res.status, 401);
    const challenges = challengesOf(res);
    t.equal(challenges.length, 2, 'RFC 3261 §7.3.1: WWW-Authenticate values are not combined');
    t.same(
      challenges.map((c) => challengeParams(c).get('algorithm')),
      ['SHA-256', 'MD5'],
    );
    t.same(
      challenges.map((c) => challengeParams(c).get('qop')),
      ['auth', 'auth'],
    );
  },
);

t.test('MD5 (srf answers the 401 itself) registers a device; 200 lists it with expires', async (t) => {
  const res = await sendRegister(
    ua,
    base({
      contact: '<sip:alice@127.0.0.1:5999>',
      expires: 600,
      auth: { username: 'alice', password: PASSWORD },
    }),
  );
  t.equal(res.status, 200, res.raw ?? '');
  t.match(res.get('Contact'), /^<sip:alice@127\.0\.0\.1:5999>;expires=600$/);
  t.ok(res.has('Date'));
  const bindings = await first.registrar.bindings('alice');
  t.same(
    bindings.map((b) => [b.contact, b.source.transport, b.source.address]),
    [['sip:alice@127.0.0.1:5999', 'udp', '127.0.0.1']],
  );
  await waitFor(() => first.events.length >= 1);
  t.match(first.events[0], {
    topic: 'device.registered.alice',
    data: { agentId: 'alice', aor: AOR, devices: 1, transport: 'udp' },
  });
});

async function challenge(): Promise<string> {
  const res = await sendRegister(ua, base({ contact: '<sip:alice@127.0.0.1:5998>' }));
  const sha = challengesOf(res).find((c) => challengeParams(c).get('algorithm') === 'SHA-256');
  if (!sha) throw new Error('no SHA-256 challenge');
  return sha;
}

t.test('SHA-256 answered by hand: a second device; both listed', async (t) => {
  const authorization = digestAuthorization(await challenge(), {
    username: 'alice',
    password: PASSWORD,
    uri,
  });
  const res = await sendRegister(
    ua,
    base({
      contact: '<sip:alice@127.0.0.1:5998;transport=udp>;q=0.5',
      expires: 300,
      headers: { Authorization: authorization },
    }),
  );
  t.equal(res.status, 200, res.raw ?? '');
  const contacts = (res.get('Contact') ?? '').split(/,\s*/).sort();
  t.same(contacts, [
    '<sip:alice@127.0.0.1:5998;transport=udp>;expires=300;q=0.5',
    '<sip:alice@127.0.0.1:5999>;expires=600',
  ]);
  t.equal((await first.registrar.bindings('alice')).length, 2, 'several devices per agent');
});

t.test('unknown user and wrong password get the same 401 (no user enumeration)', async (t) => {
  const sha = await challenge();
  const wrong = await sendRegister(
    ua,
    base({
      contact: '<sip:x@127.0.0.1:5997>',
      headers: { Authorization: digestAuthorization(sha, { username: 'alice', password: 'nope-nope', uri }) },
    }),
  );
  const unknown = await sendRegister(
    ua,
    base({
      contact: '<sip:x@127.0.0.1:5997>',
      headers: {
        Authorization: digestAuthorization(sha, { username: 'mallory', password: 'nope-nope', uri }),
      },
    }),
  );
  const shape = (r: typeof wrong) => ({
    status: r.status,
    reason: r.reason,
    challenges: challengesOf(r).map((c) =>
      c.replace(/nonce="[^"]*"/, 'nonce=N').replace(/opaque="[^"]*"/, 'opaque=O'),
    ),
    headers: (r.raw ?? '')
      .split('\r\n')
      .map((l) => l.split(':')[0])
      .filter((n) => n && !/^(Via|From|To|Call-ID|CSeq)$/i.test(n ?? ''))
      .sort(),
  });
  t.equal(wrong.status, 401);
  t.same(shape(unknown), shape(wrong));
  t.notMatch(wrong.raw, /stale/);
});

t.test('a nonce past its lifetime with the right password → 401 stale=true; a fresh one works', async (t) => {
  const sha = await challenge();
  clock.advance(61_000);
  const res = await sendRegister(
    ua,
    base({
      contact: '<sip:alice@127.0.0.1:5998;transport=udp>',
      expires: 300,
      headers: { Authorization: digestAuthorization(sha, { username: 'alice', password: PASSWORD, uri }) },
    }),
  );
  t.equal(res.status, 401);
  t.same(
    challengesOf(res).map((c) => challengeParams(c).get('stale')),
    ['true', 'true'],
    'RFC 7616 §3.3 stale',
  );
  const again = await sendRegister(
    ua,
    base({
      contact: '<sip:alice@127.0.0.1:5998;transport=udp>',
      expires: 300,
      auth: { username: 'alice', password: PASSWORD },
    }),
  );
  t.equal(again.status, 200);
});

t.test('too brief an expiry → 423 with Min-Expires', async (t) => {
  const res = await sendRegister(
    ua,
    base({
      contact: '<sip:alice@127.0.0.1:5996>',
      expires: 30,
      auth: { username: 'alice', password: PASSWORD },
    }),
  );
  t.equal(res.status, 423);
  t.equal(res.get('Min-Expires'), '60');
  t.equal((await first.registrar.bindings('alice')).length, 2, 'nothing added');
});

t.test(
  'a restart over the same database still lists the bindings; Contact: * removes them all',
  async (t) => {
    await disconnectSrf(first.app);
    await db.close();
    const reopened = await openDatabase({ path: dbPath });
    t.teardown(() => reopened.close());
    const second = await startRegistrar(t, world, reopened, clock);
    t.equal((await second.registrar.bindings('alice')).length, 2, 'read back from the database');
    const query = await sendRegister(ua, base({ auth: { username: 'alice', password: PASSWORD } }));
    t.equal(query.status, 200);
    t.equal(
      (query.get('Contact') ?? '').split(/,\s*/).length,
      2,
      'RFC 3261 §10.3 step 8: a query lists every binding',
    );
    const bad = await sendRegister(
      ua,
      base({ contact: '*', expires: 60, auth: { username: 'alice', password: PASSWORD } }),
    );
    t.equal(bad.status, 400, 'Contact: * needs Expires: 0');
    const all = await sendRegister(
      ua,
      base({ contact: '*', expires: 0, auth: { username: 'alice', password: PASSWORD } }),
    );
    t.equal(all.status, 200);
    t.notOk(all.has('Contact'));
    t.same(await second.registrar.bindings('alice'), []);
    await waitFor(() => second.events.filter((e) => e.type === 'device.unregistered').length === 2);
    t.match(second.events.at(-1), { data: { reason: 'unregistered', devices: 0 } });
  },
);
