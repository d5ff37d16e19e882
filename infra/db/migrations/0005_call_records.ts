/**
 * 0005: call records (issue 5 item 5), written by `router/records` from the call.* bus events.
 *
 * `calls`: one row per call. Events may arrive twice or out of order (several nodes publish them),
 * so every column but `id`, `phase`, `started_at` and `version` is nullable: an `ended` seen before
 * `arrived` still makes a row, completed when the rest comes. `version` is bumped by every write
 * (optimistic concurrency between nodes). `started_at` is the earliest event time seen (arrival
 * once known): history is ordered and paged by (started_at, id).
 *
 * `call_offers`: one row per offer (call id, offer id): which agent, how long it rang, its outcome.
 * Idempotent (`if not exists`) like 0004.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

async function createCalls<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('calls')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('phase', 'text', (c) =>
      c.notNull().check(sql`phase in ('arrived', 'queued', 'connected', 'ended')`),
    )
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sip_call_id', 'text')
    .addColumn('arrived_at', 'timestamptz')
    .addColumn('gateway_id', 'text')
    .addColumn('caller', 'text')
    .addColumn('caller_restricted', 'boolean')
    .addColumn('dialled', 'text')
    .addColumn('entry_kind', 'text')
    .addColumn('entry_id', 'text')
    .addColumn('queue_id', 'text')
    .addColumn('priority', 'integer')
    .addColumn('queued_at', 'timestamptz')
    .addColumn('wait_ms', 'integer')
    .addColumn('agent_id', 'text')
    .addColumn('overflow_target', 'text')
    .addColumn('overflowed_at', 'timestamptz')
    .addColumn('answered_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('talk_ms', 'integer')
    .addColumn('outcome', 'text')
    .addColumn('sip_status', 'integer')
    .addColumn('hung_up_by', 'text')
    .execute();
  for (const column of ['queue_id', 'agent_id', 'caller', 'gateway_id', 'outcome'] as const) {
    await db.schema
      .createIndex(`calls_${column}_started`)
      .ifNotExists()
      .on('calls')
      .columns([column, 'started_at'])
      .execute();
  }
  await db.schema
    .createIndex('calls_started')
    .ifNotExists()
    .on('calls')
    .columns(['started_at', 'id'])
    .execute();
}

async function createOffers<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('call_offers')
    .ifNotExists()
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('offer_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('queue_id', 'text')
    .addColumn('personal_manager', 'boolean')
    .addColumn('devices', 'integer')
    .addColumn('offered_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('ring_ms', 'integer')
    .addColumn('outcome', 'text')
    .addColumn('sip_status', 'integer')
    .addPrimaryKeyConstraint('call_offers_pk', ['call_id', 'offer_id'])
    .execute();
  await db.schema
    .createIndex('call_offers_agent')
    .ifNotExists()
    .on('call_offers')
    .columns(['agent_id', 'offered_at'])
    .execute();
}

export async function up<DB>(db: Kysely<DB>): Promise<void> {
  await createCalls(db);
  await createOffers(db);
}

export async function down<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema.dropTable('call_offers').ifExists().execute();
  await db.schema.dropTable('calls').ifExists().execute();
}
