/**
 * The directory service over its kysely repository, against PGlite (memory) and PostgreSQL (own
 * schema): CRUD, HA1 per algorithm, uniqueness conflicts, optimistic versions, idempotent seeding,
 * the registrar lookups and the bus events.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import type { Test } from 'tap';
import { MemoryBus } from '../../infra/bus/memory-bus.js';
import type { BusEnvelope } from '../../infra/bus/types.js';
import { FakeClock } from '../../sip-engine/util/clock.js';
import { forEachDatabase } from '../../test-support/test-databases.js';
import type { TestDatabase } from '../../test-support/test-databases.js';
import { waitFor } from '../../test-support/wait.js';
import { AgentDirectory } from './agent-directory.js';
import type { AgentConfigInput, AgentSpecInput } from './model/agent-schema.js';
import { createAgentRepository } from './store/agent-repository.js';

const REALM = 'cc.example.com';
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

type Extra = { [K in keyof AgentSpecInput]?: AgentSpecInput[K] | undefined };

function spec(id: string, extra: Extra = {}): AgentSpecInput {
  const s: AgentSpecInput = {
    id,
    name: `Agent ${id}`,
    aors: [`sip:${id}@CC.example.com`],
    skills: [{ skill: 'english', level: 80 }],
    teams: ['sales'],
    channels: { voice: 1, chat: 2 },
    personalCustomers: [],
    wrapUpSeconds: 20,
    maxConsecutiveNoAnswers: 3,
    auth: { username: id, password: `pw-${id}-secret` },
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) Reflect.deleteProperty(s, k);
    else Reflect.set(s, k, v);
  }
  return s;
}

interface World {
  dir: AgentDirectory;
  clock: FakeClock;
  events: BusEnvelope[];
  db: TestDatabase;
}

async function world(t: Test, db: TestDatabase, realm = REALM): Promise<World> {
  await db.handle.db.deleteFrom('agents').execute();
  const clock = new FakeClock(Date.UTC(2026, 4, 1));
  const bus = new MemoryBus({ nodeId: 'n1', clock });
  t.teardown(() => bus.drain());
  const events: BusEnvelope[] = [];
  bus.subscribe('directory.agent.changed.>', (e) => events.push(e));
  const dir = new AgentDirectory({ repo: createAgentRepository(db.handle.db), realm, clock, bus });
  return { dir, clock, events, db };
}

async function suite(t: Test, db: TestDatabase): Promise<void> {
  await t.test('create, get, list: canonical AORs, HA1 for both algorithms, no password kept', async (t) => {
    const { dir, events } = await world(t, db);
    const created = await dir.create(
      spec('a17', { presenceUri: 'sip:a17@cc.example.com', personalCustomers: ['+15551234567'] }),
    );
    t.equal(created.version, 1);
    const got = await dir.get('a17');
    t.same(got.aors, ['sip:a17@cc.example.com'], 'host lower-cased, RFC 3261 §10.3 step 5');
    t.same(got.skills, [{ skill: 'english', level: 80 }]);
    t.same(got.teams, ['sales']);
    t.same(got.channels, { voice: 1, chat: 2 });
    t.same(got.personalCustomers, ['+15551234567']);
    t.equal(got.presenceUri, 'sip:a17@cc.example.com');
    t.same(got.credentials, {
      username: 'a17',
      realm: REALM,
      ha1: { md5: md5(`a17:${REALM}:pw-a17-secret`), sha256: sha256(`a17:${REALM}:pw-a17-secret`) },
    });
    const raw = JSON.stringify(await db.handle.db.selectFrom('agent_credentials').selectAll().execute());
    t.notMatch(raw, /pw-a17-secret/, 'the password is not stored');
    await dir.create(spec('a02', { auth: undefined, aors: [] }));
    t.same(
      (await dir.list()).map((a) => a.id),
      ['a02', 'a17'],
    );
    await waitFor(() => events.length === 2);
    t.same(
      events.map((e) => [e.topic, e.data]),
      [
        ['directory.agent.changed.a17', { agentId: 'a17', change: 'created', version: 1 }],
        ['directory.agent.changed.a02', { agentId: 'a02', change: 'created', version: 1 }],
      ],
    );
  });

  await t.test(
    'uniqueness: id, AOR (after canonicalisation), username, customer → named conflicts',
    async (t) => {
      const { dir } = await world(t, db);
      await dir.create(spec('a1', { personalCustomers: ['+15550001'] }));
      await t.rejects(dir.create(spec('a1', { aors: [], auth: undefined })), {
        name: 'AgentConflictError',
        code: 'agent-exists',
      });
      await t.rejects(dir.create(spec('a2', { aors: ['sips:a1@cc.EXAMPLE.com;transport=tls'] })), {
        code: 'aor-taken',
      });
      await t.rejects(dir.create(spec('a3', { auth: { username: 'a1', password: 'another-pw' } })), {
        code: 'username-taken',
      });
      await t.rejects(dir.create(spec('a4', { personalCustomers: ['+15550001'] })), {
        code: 'customer-taken',
      });
      t.same(
        (await dir.list()).map((a) => a.id),
        ['a1'],
        'a failed create leaves nothing behind',
      );
    },
  );

  await t.test('rules the schema cannot express are InvalidAgentError with paths', async (t) => {
    const { dir } = await world(t, db);
    await t.rejects(
      dir.create(
        spec('x', {
          aors: ['sip:x@h', 'sip:x@H'],
          skills: [
            { skill: 's', level: 1 },
            { skill: 's', level: 2 },
          ],
        }),
      ),
      { name: 'InvalidAgentError', issues: [{ path: '/aors/1' }, { path: '/skills/1/skill' }] },
    );
    await t.rejects(dir.create(spec('y', { auth: { username: 'y' } })), {
      name: 'InvalidAgentError',
      issues: [{ path: '/auth/password' }],
    });
  });

  await t.test('replace and patch: versions, credentials kept without a password, null clears', async (t) => {
    const { dir, clock } = await world(t, db);
    const first = await dir.create(spec('a17', { presenceUri: 'sip:p@h' }));
    clock.advance(1000);
    const { id: _id, ...body } = spec('a17', {
      name: 'Alice',
      auth: { username: 'a17' },
      teams: ['support'],
    });
    const replaced = await dir.replace('a17', body);
    t.equal(replaced.version, 2);
    t.equal(replaced.name, 'Alice');
    t.equal(replaced.presenceUri, undefined, 'PUT replaces every field');
    t.same(replaced.credentials, first.credentials, 'same username without password keeps HA1');
    t.equal(replaced.updatedAt.getTime() - first.updatedAt.getTime(), 1000);
    await t.rejects(dir.replace('a17', { ...body, auth: { username: 'renamed' } }), {
      name: 'InvalidAgentError',
      issues: [{ path: '/auth/password' }],
    });
    const patched = await dir.patch('a17', { channels: { chat: 5 }, auth: null, presenceUri: 'sip:p2@h' });
    t.same(patched.channels, { voice: 1, chat: 5 });
    t.equal(patched.credentials, undefined);
    t.equal(patched.version, 3);
    const stored = await dir.get('a17');
    t.same(
      [stored.name, stored.teams, stored.presenceUri, stored.credentials],
      ['Alice', ['support'], 'sip:p2@h', undefined],
    );
    t.equal(await dir.credentialsFor('a17'), undefined);
    await t.rejects(dir.patch('nope', { name: 'x' }), { name: 'AgentNotFoundError' });
  });

  await t.test('a write based on a stale version is refused (version-conflict)', async (t) => {
    const { dir } = await world(t, db);
    await dir.create(spec('a1'));
    const repo = createAgentRepository(db.handle.db);
    const stale = await dir.get('a1');
    await dir.patch('a1', { name: 'newer' });
    t.equal(await repo.replace({ ...stale, name: 'older', version: 2 }, stale.version), false);
    t.equal((await dir.get('a1')).name, 'newer');
  });

  await t.test('remove deletes the agent and its child rows', async (t) => {
    const { dir, events } = await world(t, db);
    await dir.create(spec('a1', { personalCustomers: ['+15550001'] }));
    const removed = await dir.remove('a1');
    t.equal(removed.id, 'a1');
    await t.rejects(dir.get('a1'), { name: 'AgentNotFoundError', code: 'agent-not-found' });
    await t.rejects(dir.remove('a1'), { name: 'AgentNotFoundError' });
    for (const table of [
      'agent_aors',
      'agent_credentials',
      'agent_skills',
      'agent_teams',
      'agent_customers',
    ] as const) {
      t.same(await db.handle.db.selectFrom(table).selectAll().execute(), [], `${table} emptied`);
    }
    await dir.create(spec('a2', { personalCustomers: ['+15550001'] }));
    await waitFor(() => events.some((e) => (e.data as { change?: string }).change === 'deleted'));
  });

  await t.test('registrar lookups: credentials only for this realm; AOR owner', async (t) => {
    const { dir } = await world(t, db);
    await dir.create(spec('a1'));
    const found = await dir.credentialsFor('a1');
    t.equal(found?.agentId, 'a1');
    t.equal(found?.ha1.md5, md5(`a1:${REALM}:pw-a1-secret`));
    t.equal(await dir.credentialsFor('nobody'), undefined);
    t.equal(await dir.agentForAor('sip:a1@cc.example.com'), 'a1');
    t.equal(await dir.agentForAor('sip:a1@elsewhere'), undefined);
    const other = new AgentDirectory({
      repo: createAgentRepository(db.handle.db),
      realm: 'other.realm',
      clock: new FakeClock(),
    });
    t.equal(await other.credentialsFor('a1'), undefined, 'HA1 for another realm is useless');
  });

  await t.test('seeding from config is idempotent and re-applies the config', async (t) => {
    const { dir } = await world(t, db);
    const cfg = (id: string, extra: Partial<AgentConfigInput> = {}): AgentConfigInput => {
      const { auth: _a, ...s } = spec(id);
      return { ...s, auth: { username: id, password: `pw-${id}-secret` }, ...extra };
    };
    await dir.create(spec('api-only', { aors: [], auth: undefined }));
    const first = await dir.seed([cfg('c1'), cfg('c2')]);
    t.same(first, { created: ['c1', 'c2'], updated: [], unchanged: [], orphaned: [] });
    const again = await dir.seed([cfg('c1'), cfg('c2')]);
    t.same(again, { created: [], updated: [], unchanged: ['c1', 'c2'], orphaned: [] });
    t.equal((await dir.get('c1')).version, 1, 'nothing rewritten');
    await dir.patch('c1', { name: 'edited through the API' });
    const third = await dir.seed([cfg('c1', { auth: { username: 'c1', password: 'a-new-password' } })]);
    t.same(third, { created: [], updated: ['c1'], unchanged: [], orphaned: ['c2'] });
    const c1 = await dir.get('c1');
    t.equal(c1.name, 'Agent c1', 'the config wins at start');
    t.equal(c1.credentials?.ha1.md5, md5(`c1:${REALM}:a-new-password`));
    t.equal((await dir.get('api-only')).source, 'api', 'API agents untouched');
    const moved = new AgentDirectory({
      repo: createAgentRepository(db.handle.db),
      realm: 'new.realm',
      clock: new FakeClock(),
    });
    t.same((await moved.seed([cfg('c1')])).updated, ['c1'], 'a realm change recomputes HA1');
    await t.rejects(dir.seed([cfg('bad', { aors: ['sip:c2@cc.example.com'] })]), {
      name: 'AgentSeedError',
      agentId: 'bad',
    });
  });
}

void forEachDatabase(t, suite);
