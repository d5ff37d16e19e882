/**
 * The registrar without a network, against PGlite and PostgreSQL: RFC 3261 §10.3 ordering by
 * Call-ID/CSeq, removal by expires 0 and Contact: *, limits, instance-id keys, authorisation of
 * the AOR, the 4xx answers, expiry (lapsed bindings are never listed; the sweep announces them)
 * and the same path for unknown users and wrong passwords.
 */
import t from 'tap';
import type { Test } from 'tap';
import { MemoryBus } from '../../infra/bus/memory-bus.js';
import type { BusEnvelope } from '../../infra/bus/types.js';
import { AgentDirectory } from '../../router/agents/agent-directory.js';
import { createAgentRepository } from '../../router/agents/store/agent-repository.js';
import { FakeClock } from '../../sip-engine/util/clock.js';
import { digestAuthorization } from '../../test-support/register-uac.js';
import { forEachDatabase } from '../../test-support/test-databases.js';
import type { TestDatabase } from '../../test-support/test-databases.js';
import { waitFor } from '../../test-support/wait.js';
import { BindingSweeper } from './binding-sweeper.js';
import { DigestAuthenticator } from './digest.js';
import type { RegisterRequest, RegisterResponse } from './model/register-message.js';
import { Registrar } from './registrar.js';
import type { RegistrarDirectory } from './registrar.js';
import { createBindingStore } from './store/binding-store.js';

const REALM = 'cc.example.com';
const URI = 'sip:cc.example.com';

interface World {
  registrar: Registrar;
  clock: FakeClock;
  events: BusEnvelope[];
  /** A REGISTER from alice (or `user`), authenticated unless `password` is null. */
  register(
    o?: Partial<RegisterRequest> & { user?: string; password?: string | null },
  ): Promise<RegisterResponse>;
}

const header = (r: RegisterResponse, name: string): string[] =>
  r.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);

async function world(t: Test, db: TestDatabase, directoryOverride?: RegistrarDirectory): Promise<World> {
  await db.handle.db.deleteFrom('agents').execute();
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  const directory = new AgentDirectory({ repo: createAgentRepository(db.handle.db), realm: REALM, clock });
  for (const id of ['alice', 'bob']) {
    await directory.create({
      id,
      name: id,
      aors: [`sip:${id}@${REALM}`],
      auth: { username: id, password: `${id}-password` },
      skills: [],
      teams: [],
      channels: { voice: 1, chat: 0 },
      personalCustomers: [],
      wrapUpSeconds: 0,
      maxConsecutiveNoAnswers: 0,
    });
  }
  const bus = new MemoryBus({ nodeId: 'n', clock });
  t.teardown(() => bus.drain());
  const events: BusEnvelope[] = [];
  bus.subscribe('device.>', (e) => events.push(e));
  const digest = new DigestAuthenticator({ realm: REALM, secret: 'a-test-secret-of-32-bytes-length', clock });
  const registrar = new Registrar({
    directory: directoryOverride ?? directory,
    store: createBindingStore(db.handle.db),
    digest,
    clock,
    bus,
    limits: { maxBindingsPerAor: 3 },
  });
  let cseq = 1;
  const register: World['register'] = async (o = {}) => {
    const { user = 'alice', password = `${user}-password`, ...fields } = o;
    const authorization =
      password === null
        ? undefined
        : digestAuthorization(digest.challenge()[0] ?? '', { username: user, password, uri: URI });
    return registrar.register({
      requestUri: URI,
      to: `<sip:alice@${REALM}>`,
      callId: 'call-1',
      cseq: `${cseq++} REGISTER`,
      source: { address: '192.0.2.7', port: 5070, transport: 'tcp' },
      ...(authorization !== undefined ? { authorization } : {}),
      ...fields,
    });
  };
  return { registrar, clock, events, register };
}

async function suite(t: Test, db: TestDatabase): Promise<void> {
  await t.test('Call-ID and CSeq order updates (RFC 3261 §10.3 step 7)', async (t) => {
    const w = await world(t, db);
    t.equal((await w.register({ contact: '<sip:a@192.0.2.7:5070>', cseq: '10 REGISTER' })).status, 200);
    const old = await w.register({ contact: '<sip:a@192.0.2.7:5070>;expires=0', cseq: '9 REGISTER' });
    t.equal(old.status, 500, 'an older request from the same Call-ID is refused');
    t.equal((await w.registrar.bindings('alice')).length, 1, 'and changes nothing');
    const other = await w.register({
      contact: '<sip:a@192.0.2.7:5070>',
      callId: 'call-2',
      cseq: '1 REGISTER',
      expires: '120',
    });
    t.equal(other.status, 200, 'another Call-ID may update regardless of CSeq');
    t.same(header(other, 'Contact'), ['<sip:a@192.0.2.7:5070>;expires=120']);
    const bindings = await w.registrar.bindings('alice');
    t.same(
      bindings.map((b) => [b.callId, b.cseq, b.source.transport]),
      [['call-2', 1, 'tcp']],
    );
  });

  await t.test('expires 0 removes one binding; Contact: * all (with the same ordering rule)', async (t) => {
    const w = await world(t, db);
    await w.register({ contact: '<sip:a@h1>, <sip:a@h2>;expires=200', expires: '100' });
    t.same((await w.registrar.bindings('alice')).map((b) => b.contact).sort(), ['sip:a@h1', 'sip:a@h2']);
    const one = await w.register({ contact: '<sip:a@H1>;expires=0' });
    t.same(header(one, 'Contact'), ['<sip:a@h2>;expires=200'], 'host compared case-insensitively (§19.1.4)');
    t.equal(
      (await w.register({ contact: '*', expires: '0', cseq: '1 REGISTER' })).status,
      500,
      'stale CSeq with *',
    );
    t.equal((await w.register({ contact: '*, <sip:a@h3>', expires: '0' })).status, 400, '* must be alone');
    const all = await w.register({ contact: '*', expires: '0' });
    t.equal(all.status, 200);
    t.same(header(all, 'Contact'), []);
    await waitFor(() => w.events.filter((e) => e.type === 'device.unregistered').length === 2);
  });

  await t.test('limits: 423 below the minimum, long expiries shortened, at most N devices', async (t) => {
    const w = await world(t, db);
    const brief = await w.register({ contact: '<sip:a@h1>;expires=59' });
    t.same([brief.status, header(brief, 'Min-Expires')], [423, ['60']]);
    const long = await w.register({ contact: '<sip:a@h1>', expires: '86400' });
    t.same(header(long, 'Contact'), ['<sip:a@h1>;expires=3600']);
    await w.register({ contact: '<sip:a@h2>, <sip:a@h3>' });
    const fourth = await w.register({ contact: '<sip:a@h4>' });
    t.equal(fourth.status, 403);
    t.equal((await w.registrar.bindings('alice')).length, 3);
  });

  await t.test('+sip.instance with reg-id identifies the binding (RFC 5626 §6)', async (t) => {
    const w = await world(t, db);
    const inst = '+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>";reg-id=1';
    await w.register({ contact: `<sip:a@10.0.0.1:5060>;${inst}` });
    const moved = await w.register({ contact: `<sip:a@10.0.0.9:6000>;${inst}` });
    t.same(header(moved, 'Contact'), [`<sip:a@10.0.0.9:6000>;expires=3600;${inst}`], 'replaced, not added');
    await waitFor(() => w.events.length === 1);
    t.equal(w.events.length, 1, 'one device registered, the move is a refresh');
  });

  await t.test('authorisation and bad requests: 401, 403, 404, 420, 400', async (t) => {
    const w = await world(t, db);
    t.equal((await w.register({ password: null, contact: '<sip:a@h>' })).status, 401);
    t.equal(
      (await w.register({ user: 'bob', contact: '<sip:b@h>' })).status,
      403,
      "bob may not bind alice's AOR",
    );
    t.equal((await w.register({ to: '<sip:carol@cc.example.com>', contact: '<sip:c@h>' })).status, 404);
    const ext = await w.register({ require: 'path, foo, 100rel', contact: '<sip:a@h>' });
    t.same([ext.status, header(ext, 'Unsupported')], [420, ['foo, 100rel']]);
    t.equal((await w.register({ authorization: 'Digest nonsense' })).status, 400);
    t.equal((await w.register({ cseq: '1 INVITE' })).status, 400);
    const otherUri = await w.register({ requestUri: 'sip:elsewhere.example.com', contact: '<sip:a@h>' });
    t.same([otherUri.status, otherUri.reason], [400, 'Authorization URI Mismatch'], 'digest for another URI');
    t.equal(
      (await w.register({ requestUri: 'sip:CC.example.com', contact: '<sip:a@h>' })).status,
      200,
      'host case ignored',
    );
    await w.register({ contact: '*', expires: '0' });
    t.equal((await w.register({ contact: '<sip:a@h>;expires=soon' })).status, 400);
    t.equal((await w.register({ contact: '<mailto:a@h>' })).status, 400);
    t.equal((await w.register({ expires: '-1', contact: '<sip:a@h>' })).status, 400);
    t.equal((await w.register({ to: '<tel:+15551234>' })).status, 400);
    t.same(await w.registrar.bindings('alice'), []);
  });

  await t.test('lapsed bindings are never listed; the sweep removes and announces them', async (t) => {
    const w = await world(t, db);
    await w.register({ contact: '<sip:a@h1>', expires: '60' });
    await w.register({ contact: '<sip:a@h2>', expires: '600' });
    w.clock.advance(61_000);
    t.same(
      (await w.registrar.bindings('alice')).map((b) => b.contact),
      ['sip:a@h2'],
    );
    const sweeper = new BindingSweeper({
      sweep: (n) => w.registrar.sweep(n),
      clock: w.clock,
      intervalMs: 1000,
      batch: 1,
    });
    t.equal(await sweeper.sweepNow(), 1);
    await waitFor(() => w.events.some((e) => e.type === 'device.unregistered'));
    t.match(
      w.events.find((e) => e.type === 'device.unregistered'),
      { data: { reason: 'expired', contact: 'sip:a@h1', devices: 1 } },
    );
    sweeper.start();
    t.equal(sweeper.state, 'running');
    await waitFor(() => w.clock.pending === 1, { what: 'the first round done and the next one scheduled' });
    w.clock.advance(600_000); // h2 lapses; the round that fired on the way saw it still live
    await waitFor(() => w.clock.pending === 1, { what: 'the next round scheduled' });
    w.clock.advance(1000);
    await waitFor(
      async () => (await db.handle.db.selectFrom('registrar_bindings').selectAll().execute()).length === 0,
    );
    await sweeper.stop();
    t.equal(sweeper.state, 'stopped');
    t.equal(w.clock.pending, 0, 'no timer left behind');
  });

  await t.test('unknown user and wrong password: same directory calls, same answer', async (t) => {
    const calls: string[] = [];
    const real = {
      credentialsFor: (u: string) => (
        calls.push(`credentials ${u === 'alice' ? 'known' : 'unknown'}`),
        directoryOf(db).credentialsFor(u)
      ),
      agentForAor: (a: string) => (calls.push('aor'), directoryOf(db).agentForAor(a)),
    };
    const w = await world(t, db, real);
    const wrong = await w.register({ password: 'wrong-password', contact: '<sip:a@h>' });
    const unknown = await w.register({ user: 'mallory', password: 'wrong-password', contact: '<sip:a@h>' });
    t.same(calls, ['credentials known', 'credentials unknown'], 'no other lookup happened in either case');
    const mask = (r: RegisterResponse) => ({
      ...r,
      headers: r.headers.map(([n, v]) => [n, v.replace(/(nonce|opaque)="[^"]*"/g, '$1')]),
    });
    t.equal(wrong.status, 401);
    t.same(mask(unknown), mask(wrong));
  });
}

function directoryOf(db: TestDatabase): AgentDirectory {
  return new AgentDirectory({
    repo: createAgentRepository(db.handle.db),
    realm: REALM,
    clock: new FakeClock(),
  });
}

void forEachDatabase(t, suite);
