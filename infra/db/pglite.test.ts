/**
 * The storage contract against embedded PGlite in a temp directory. PGlite's first start on a new
 * directory runs initdb (~4 s here); later opens take ~0.2 s, so the tests share one directory and
 * isolate by schema, opening and closing it each time (which also exercises reopen).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { openDatabase } from './open-database.js';
import { ALL_MIGRATIONS, storageContract } from './storage-contract.js';

const base = mkdtempSync(join(tmpdir(), 'patchbay-pglite-'));
t.teardown(() => rmSync(base, { recursive: true, force: true }));
const path = join(base, 'db');

storageContract(t, {
  kind: 'pglite',
  fresh: () => {
    const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    return Promise.resolve({ options: { path, schema }, cleanup: () => Promise.resolve() });
  },
});

t.test('a second open of a directory in use is refused (DbError locked) and works after close', async (t) => {
  const first = await openDatabase({ path, migrate: false });
  await t.rejects(openDatabase({ path }), { code: 'locked', message: /in use by process/ });
  await first.close();
  const second = await openDatabase({ path });
  t.equal(second.kind, 'pglite');
  await second.close();
});

t.test('a lock left by a dead process is taken over, and released on close', async (t) => {
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
  t.ok(deadPid);
  writeFileSync(`${path}.lock`, String(deadPid));
  const h = await openDatabase({ path });
  t.equal(readFileSync(`${path}.lock`, 'utf8'), String(process.pid));
  await h.close();
  t.notOk(existsSync(`${path}.lock`));
});

t.test('the default schema is public', async (t) => {
  const h = await openDatabase({ path });
  t.teardown(() => h.close());
  const rows = await h.db.selectFrom('kv_settings').selectAll().execute();
  t.same(rows, []);
  t.equal(
    await h.db
      .executeQuery(h.db.selectNoFrom((eb) => eb.val(1).as('x')).compile())
      .then((r) => r.rows.length),
    1,
  );
});

t.test('memory:// keeps the database in memory: no directory, no lock', async (t) => {
  const h = await openDatabase({ path: 'memory://' });
  t.teardown(() => h.close());
  t.same(h.migrations.applied, ALL_MIGRATIONS);
  await h.db.insertInto('kv_settings').values({ key: 'k', value: '1' }).execute();
  t.equal((await h.db.selectFrom('kv_settings').selectAll().execute()).length, 1);
  t.notOk(existsSync('memory:'), 'nothing created on disk');
});
