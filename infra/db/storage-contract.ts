/**
 * The storage contract, run by postgres.test.ts (real PostgreSQL, one schema per test) and
 * pglite.test.ts (PGlite in a temp directory). Every test opens its own isolated database through
 * `target.fresh()` and closes what it opens.
 */
import type { Test } from 'tap';
import { sql } from 'kysely';
import { FakeClock } from '../../sip-engine/util/clock.js';
import { createNodeEventLog } from './node-events.js';
import { migrateToLatest } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { openDatabase } from './open-database.js';
import type { DatabaseHandle, DatabaseKind, OpenDatabaseOptions } from './open-database.js';
import { createSettingsStore } from './settings.js';

export interface StorageTarget {
  kind: DatabaseKind;
  /** Options naming a new, empty database (schema); `cleanup` removes it. */
  fresh(): Promise<{ options: OpenDatabaseOptions; cleanup: () => Promise<void> }>;
}

async function withFresh(t: Test, target: StorageTarget): Promise<OpenDatabaseOptions> {
  const { options, cleanup } = await target.fresh();
  t.teardown(cleanup);
  return options;
}

async function open(t: Test, options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const h = await openDatabase(options);
  t.teardown(() => h.close());
  return h;
}

async function tablesIn(h: DatabaseHandle, schema: string): Promise<string[]> {
  const rows = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = ${schema} order by table_name`.execute(
    h.db,
  );
  return rows.rows.map((r) => r.table_name);
}

type Case = (t: Test, target: StorageTarget) => Promise<void>;

/** Every migration this build knows, in order (features add theirs to `migrations/index.ts`). */
export const ALL_MIGRATIONS = Object.keys(MIGRATIONS).sort();

/** The platform's own first migrations, which must stay first and keep their names. */
const FOUNDATION_MIGRATIONS = [
  '0001_node_events_and_settings',
  '0002_agents',
  '0003_registrar_bindings',
  '0004_agent_state_transitions',
];

/** Tables the foundation migrations create (later features add more beside them). */
const FOUNDATION_TABLES = [
  'agent_aors',
  'agent_credentials',
  'agent_customers',
  'agent_skills',
  'agent_state_transitions',
  'agent_teams',
  'agents',
  'kv_settings',
  'kysely_migration',
  'kysely_migration_lock',
  'node_events',
  'registrar_bindings',
];

const migrationsIdempotent: Case = async (t, target) => {
  const options = await withFresh(t, target);
  const first = await openDatabase(options);
  t.equal(first.kind, target.kind);
  t.same(first.migrations.applied, ALL_MIGRATIONS);
  t.same(first.migrations.known, ALL_MIGRATIONS);
  t.same(ALL_MIGRATIONS.slice(0, FOUNDATION_MIGRATIONS.length), FOUNDATION_MIGRATIONS, 'foundation first');
  const tables = await tablesIn(first, options.schema ?? 'public');
  t.same(
    FOUNDATION_TABLES.filter((name) => !tables.includes(name)),
    [],
    'every foundation table exists in the requested schema',
  );
  t.same((await migrateToLatest(first.db, options.schema)).applied, [], 'second run on the same handle');
  await first.close();
  const again = await open(t, options);
  t.same(again.migrations.applied, [], 'reopening applies nothing');
};

const nodeEventsRoundTrip: Case = async (t, target) => {
  const h = await open(t, await withFresh(t, target));
  const clock = new FakeClock(Date.UTC(2026, 2, 1, 12, 0, 0));
  const log = createNodeEventLog(h.db, clock);
  const a = await log.append('node-a', 'system.started', {
    version: '0.1.0',
    ports: [5060, 5061],
    tls: null,
  });
  clock.advance(1500);
  await log.append('node-b', 'system.started');
  await log.append('node-a', 'config.reloaded', { changed: ['gateways'] });
  t.type(a.id, 'string');
  t.same(a.data, { version: '0.1.0', ports: [5060, 5061], tls: null });
  t.equal(a.at.toISOString(), '2026-03-01T12:00:00.000Z');
  const recentA = await log.recent({ node: 'node-a' });
  t.same(
    recentA.map((e) => [e.type, e.data, e.at.toISOString()]),
    [
      ['config.reloaded', { changed: ['gateways'] }, '2026-03-01T12:00:01.500Z'],
      ['system.started', { version: '0.1.0', ports: [5060, 5061], tls: null }, '2026-03-01T12:00:00.000Z'],
    ],
  );
  t.equal((await log.recent({ limit: 1 }))[0]?.node, 'node-a');
  t.equal((await log.recent()).length, 3);
};

const settingsRoundTrip: Case = async (t, target) => {
  const h = await open(t, await withFresh(t, target));
  const clock = new FakeClock(Date.UTC(2026, 2, 1));
  const settings = createSettingsStore(h.db, clock);
  t.equal(await settings.get('hours'), undefined);
  await settings.put('hours', { open: '08:00', close: '18:00' });
  clock.advance(60_000);
  const replaced = await settings.put('hours', { open: '09:00', close: '17:00', days: [1, 2, 3] });
  t.same(replaced.value, { open: '09:00', close: '17:00', days: [1, 2, 3] });
  t.same((await settings.get('hours'))?.value, { open: '09:00', close: '17:00', days: [1, 2, 3] });
  t.equal((await settings.get('hours'))?.updated_at.toISOString(), '2026-03-01T00:01:00.000Z');
  await settings.put('greeting', 'hello "quoted" \u00e9');
  t.equal((await settings.get('greeting'))?.value, 'hello "quoted" \u00e9');
  t.equal(await settings.delete('hours'), true);
  t.equal(await settings.delete('hours'), false);
  t.equal(await settings.get('hours'), undefined);
};

const survivesReopen: Case = async (t, target) => {
  const options = await withFresh(t, target);
  const clock = new FakeClock();
  const first = await openDatabase(options);
  await createSettingsStore(first.db, clock).put('persisted', { n: 42 });
  await createNodeEventLog(first.db, clock).append('node-a', 'system.stopping', { reason: 'test' });
  await first.close();
  const second = await open(t, options);
  t.same((await createSettingsStore(second.db, clock).get('persisted'))?.value, { n: 42 });
  t.same(
    (await createNodeEventLog(second.db, clock).recent()).map((e) => e.data),
    [{ reason: 'test' }],
  );
};

const savepointRollback: Case = async (t, target) => {
  const h = await open(t, await withFresh(t, target));
  const trx = await h.db.startTransaction().execute();
  await trx.insertInto('kv_settings').values({ key: 'kept', value: '1' }).execute();
  const sp = await trx.savepoint('before_drop').execute();
  await sp.insertInto('kv_settings').values({ key: 'dropped', value: '2' }).execute();
  const back = await sp.rollbackToSavepoint('before_drop').execute();
  await back.commit().execute();
  const keys = await h.db.selectFrom('kv_settings').select('key').orderBy('key').execute();
  t.same(
    keys.map((r) => r.key),
    ['kept'],
  );
};

/** PGlite: the reader queues behind the transaction; Postgres: it runs beside it. Neither sees the row. */
const rolledBackIsInvisible: Case = async (t, target) => {
  const h = await open(t, await withFresh(t, target));
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  let inserted: () => void = () => undefined;
  const insertedP = new Promise<void>((r) => (inserted = r));
  const tx = h.db.transaction().execute(async (trx) => {
    await trx.insertInto('kv_settings').values({ key: 'ghost', value: '1' }).execute();
    inserted();
    await gate;
    throw new Error('roll back');
  });
  await insertedP;
  const outside = h.db.selectFrom('kv_settings').select('key').where('key', '=', 'ghost').execute();
  release();
  await t.rejects(tx, { message: 'roll back' });
  t.same(await outside, [], 'the concurrent reader never saw the uncommitted row');
  t.equal(await createSettingsStore(h.db, new FakeClock()).get('ghost'), undefined);
};

const CASES: [string, Case][] = [
  ['migrations apply once, in the requested schema, and are idempotent', migrationsIdempotent],
  ['node_events round trip: jsonb, bigint id, time from the clock, newest first', nodeEventsRoundTrip],
  ['kv_settings: get, upsert replaces, delete', settingsRoundTrip],
  ['data survives close and reopen', survivesReopen],
  ['controlled transactions: rollback to a savepoint keeps what came before it', savepointRollback],
  ['a rolled-back transaction is invisible, also to a query issued while it was open', rolledBackIsInvisible],
];

export function storageContract(t: Test, target: StorageTarget): void {
  for (const [name, run] of CASES) void t.test(name, (t) => run(t, target));
}
