/** The node audit log (`node_events`): append and read back, newest first. */
import type { Kysely } from 'kysely';
import type { Clock } from '../../sip-engine/util/clock.js';
import type { Database, JsonValue, NodeEvent } from './schema.js';

export interface NodeEventLog {
  append(node: string, type: string, data?: JsonValue): Promise<NodeEvent>;
  /** Newest first; `node` narrows to one node. */
  recent(opts?: { node?: string; limit?: number }): Promise<NodeEvent[]>;
}

export function createNodeEventLog(db: Kysely<Database>, clock: Clock): NodeEventLog {
  return {
    append(node, type, data = {}) {
      return db
        .insertInto('node_events')
        .values({ at: clock.wallNow(), node, type, data: JSON.stringify(data) })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    recent({ node, limit = 100 } = {}) {
      let q = db.selectFrom('node_events').selectAll();
      if (node !== undefined) q = q.where('node', '=', node);
      return q.orderBy('id', 'desc').limit(limit).execute();
    },
  };
}
