/**
 * Databases for repository tests: embedded PGlite in memory, and the machine's PostgreSQL
 * (127.0.0.1:5432, database `test`) in a schema of its own that is dropped at teardown. Run one
 * suite against both with {@link forEachDatabase}; PostgreSQL unreachable → that half is skipped
 * locally and fails under CI=true (test-support/services.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import { openDatabase } from '../infra/db/index.js';
import type { DatabaseHandle, OpenDatabaseOptions } from '../infra/db/index.js';
import { requireService } from './services.js';

export const TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  readonly kind: 'pglite' | 'postgres';
  /** Options naming this database: open it again (a "restart") with `openDatabase(options)`. */
  readonly options: OpenDatabaseOptions;
  readonly handle: DatabaseHandle;
}

function uniqueSchema(): string {
  return `t_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
}

/** PGlite in memory (a fresh instance: ~1-4 s for initdb), closed at teardown. */
export async function openPgliteMemory(t: Test): Promise<TestDatabase> {
  const options: OpenDatabaseOptions = { path: 'memory://' };
  const handle = await openDatabase(options);
  t.teardown(() => handle.close());
  return { kind: 'pglite', options, handle };
}

/** PostgreSQL in a new schema, dropped (with everything in it) at teardown. */
export async function openPostgresSchema(t: Test): Promise<TestDatabase> {
  const options: OpenDatabaseOptions = { url: TEST_POSTGRES_URL, schema: uniqueSchema(), poolMax: 4 };
  const handle = await openDatabase(options);
  t.teardown(async () => {
    await handle.close();
    const admin = await openDatabase({ url: TEST_POSTGRES_URL, migrate: false, poolMax: 1 });
    try {
      await admin.db.schema
        .dropSchema(options.schema ?? 'public')
        .ifExists()
        .cascade()
        .execute();
    } finally {
      await admin.close();
    }
  });
  return { kind: 'postgres', options, handle };
}

/**
 * Runs `suite` twice, as subtests "pglite" and "postgres", each with its own database. The
 * PostgreSQL run is skipped with the reason when the server is unreachable (a failure under CI).
 */
export async function forEachDatabase(
  t: Test,
  suite: (t: Test, db: TestDatabase) => Promise<void>,
): Promise<void> {
  await t.test('pglite', async (t) => suite(t, await openPgliteMemory(t)));
  const svc = await requireService('PostgreSQL', '127.0.0.1', 5432);
  await t.test('postgres', 'skip' in svc ? { skip: svc.skip } : {}, async (t) =>
    suite(t, await openPostgresSchema(t)),
  );
}
