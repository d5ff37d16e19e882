/**
 * 0003: registrar bindings (RFC 3261 §10.3), kept in the database so they survive a restart and are
 * shared by the instances of a cluster. One row per (AOR, binding key): the key is the Contact URI
 * in comparable form (RFC 3261 §19.1.4), or the instance-id and reg-id (RFC 5626 §6). Call-ID and
 * CSeq order updates (RFC 3261 §10.3 step 7); the source address and transport are where requests
 * to the device must go when its Contact is unreachable (NAT, WebSocket: RFC 7118 §5).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('registrar_bindings')
    .addColumn('aor', 'text', (c) => c.notNull())
    .addColumn('binding_key', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('contact', 'text', (c) => c.notNull())
    .addColumn('instance_id', 'text')
    .addColumn('reg_id', 'integer')
    .addColumn('q_milli', 'integer', (c) => c.check(sql`q_milli between 0 and 1000`))
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('cseq', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('registered_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('source_address', 'text', (c) => c.notNull())
    .addColumn('source_port', 'integer', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('path', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addPrimaryKeyConstraint('registrar_bindings_pk', ['aor', 'binding_key'])
    .execute();
  await db.schema
    .createIndex('registrar_bindings_expires')
    .on('registrar_bindings')
    .column('expires_at')
    .execute();
  await db.schema
    .createIndex('registrar_bindings_agent')
    .on('registrar_bindings')
    .column('agent_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('registrar_bindings').execute();
}
