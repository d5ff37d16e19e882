/**
 * 0006: gateways stored through /api/v1/gateways (the config file's gateways are not stored; they
 * are the base every node starts from). `spec` is the validated gateway without its password
 * (jsonb, as gateways/model/gateway-schema.ts writes it); digest credentials keep only HA1 per
 * algorithm for `realm` (RFC 7616 §3.4.2). A digest username belongs to one gateway (unique).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('gateways')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('spec', 'jsonb', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.unique())
    .addColumn('realm', 'text')
    .addColumn('ha1_md5', 'text')
    .addColumn('ha1_sha256', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
}
