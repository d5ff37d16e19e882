/**
 * 0007: customers' subscriptions to queue presence (presence/queue-presence), kept so that after a
 * crash the next start can end each one in its own dialog (RFC 6665 §4.2.2, `terminated;
 * reason=deactivated`: re-subscribe at once). A row holds what such a NOTIFY needs (RFC 3261
 * §12.2.1.1: Call-ID, both tags, the remote target and route set, our From/Contact, the Event).
 * Rows belong to the node that accepted the SUBSCRIBE; they are deleted when the subscription ends.
 */
import type { Kysely } from 'kysely';

export async function up<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('queue_subscriptions')
    .ifNotExists()
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('watcher', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('local', 'text', (c) => c.notNull())
    .addColumn('remote', 'text', (c) => c.notNull())
    .addColumn('local_contact', 'text')
    .addColumn('remote_target', 'text', (c) => c.notNull())
    .addColumn('route_set', 'jsonb', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('queue_subscriptions_node')
    .ifNotExists()
    .on('queue_subscriptions')
    .column('node_id')
    .execute();
}

export async function down<DB>(db: Kysely<DB>): Promise<void> {
  await db.schema.dropTable('queue_subscriptions').ifExists().execute();
}
