/**
 * 0004: the history of agent state transitions (design §4 flow 2, §6: one writer per agent, versioned
 * state). One row per accepted transition, keyed by (agent id, version): the single writer bumps the
 * version by one per event, so a duplicate key means two writers, which the primary key refuses.
 * `event` is the cause (the machine's AgentEvent) as jsonb. Idempotent (`if not exists`) so a test
 * may apply it to a database opened before it was listed.
 */
import type { Kysely } from 'kysely';

export async function up<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('agent_state_transitions')
    .ifNotExists()
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('from_state', 'text', (c) => c.notNull())
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('event', 'jsonb', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_state_transitions_pk', ['agent_id', 'version'])
    .execute();
  await db.schema
    .createIndex('agent_state_transitions_at')
    .ifNotExists()
    .on('agent_state_transitions')
    .column('at')
    .execute();
}

export async function down<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema.dropTable('agent_state_transitions').ifExists().execute();
}
