/**
 * Customers' queue subscriptions in the database (migration 0007), so that a start after a crash
 * can end each one in its dialog (policy/stored-subscription.ts). Written when a SUBSCRIBE is
 * accepted, updated on refresh, deleted when the subscription ends; `takeAll` reads and deletes a
 * node's rows in one transaction (the start of that node is their only reader).
 */
import type { Db } from '../../../infra/db/index.js';
import type { StoredQueueSubscription } from '../policy/stored-subscription.js';

export interface QueueSubscriptionStore {
  save(s: StoredQueueSubscription): Promise<void>;
  refreshed(key: string, expiresAtMs: number): Promise<void>;
  remove(key: string): Promise<void>;
  /** Every stored subscription of `nodeId`, deleted as they are read. */
  takeAll(nodeId: string): Promise<StoredQueueSubscription[]>;
}

type Row = Awaited<ReturnType<typeof selectAll>>[number];
const selectAll = (db: Db, nodeId: string) =>
  db.selectFrom('queue_subscriptions').selectAll().where('node_id', '=', nodeId).execute();

function fromRow(r: Row): StoredQueueSubscription {
  const routes = Array.isArray(r.route_set) ? r.route_set : [];
  return {
    key: r.key,
    nodeId: r.node_id,
    resource: r.resource,
    watcher: r.watcher,
    event: r.event,
    callId: r.call_id,
    local: r.local,
    remote: r.remote,
    ...(r.local_contact !== null ? { localContact: r.local_contact } : {}),
    remoteTarget: r.remote_target,
    routeSet: routes.filter((u): u is string => typeof u === 'string'),
    expiresAtMs: r.expires_at.getTime(),
  };
}

export function createQueueSubscriptionStore(db: Db): QueueSubscriptionStore {
  return {
    save: async (s) => {
      const row = {
        key: s.key,
        node_id: s.nodeId,
        resource: s.resource,
        watcher: s.watcher,
        event: s.event,
        call_id: s.callId,
        local: s.local,
        remote: s.remote,
        local_contact: s.localContact ?? null,
        remote_target: s.remoteTarget,
        route_set: JSON.stringify(s.routeSet),
        expires_at: new Date(s.expiresAtMs),
      };
      await db
        .insertInto('queue_subscriptions')
        .values(row)
        .onConflict((oc) => oc.column('key').doUpdateSet(row))
        .execute();
    },
    refreshed: async (key, expiresAtMs) => {
      await db
        .updateTable('queue_subscriptions')
        .set({ expires_at: new Date(expiresAtMs) })
        .where('key', '=', key)
        .execute();
    },
    remove: async (key) => {
      await db.deleteFrom('queue_subscriptions').where('key', '=', key).execute();
    },
    takeAll: (nodeId) =>
      db.transaction().execute(async (tx) => {
        const rows = await selectAll(tx, nodeId);
        await tx.deleteFrom('queue_subscriptions').where('node_id', '=', nodeId).execute();
        return rows.map(fromRow);
      }),
  };
}
