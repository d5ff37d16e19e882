/**
 * 0001: the first tables. `node_events` is an append-only audit log (newest first by `id`, and by
 * node); `kv_settings` holds small operator settings as JSON.
 *
 * Migrations never name a schema: openDatabase() puts the target schema first on the search_path,
 * so the same migration serves `public` and the per-test schemas.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('node_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('node_events_node_at').on('node_events').columns(['node', 'at']).execute();

  await db.schema
    .createTable('kv_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('kv_settings').execute();
  await db.schema.dropTable('node_events').execute();
}
