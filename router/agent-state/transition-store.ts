/**
 * The history of accepted agent transitions (table `agent_state_transitions`, migration 0004): one
 * append per transition, read back in version order. The table is declared here with kysely's
 * `withTables` so this folder does not change the shared `Database` map.
 */
import type { Db, JsonValue } from '../../infra/db/index.js';
import type { JsonColumn } from '../../infra/db/schema.js';
import type { AgentEvent, AgentStatus } from '../model/agent.js';
import { GroupCommit } from './group-commit.js';

interface AgentStateTransitionsTable {
  agent_id: string;
  version: number;
  from_state: string;
  to_state: string;
  reason: string | null;
  event: JsonColumn;
  at: Date;
}

export interface TransitionRow {
  readonly agentId: string;
  readonly version: number;
  readonly from: AgentStatus;
  readonly to: AgentStatus;
  /** The not-ready reason after the transition, if any. */
  readonly reason: string | null;
  readonly event: AgentEvent;
  readonly at: Date;
}

export interface StoredTransition {
  readonly agentId: string;
  readonly version: number;
  readonly from: string;
  readonly to: string;
  readonly reason: string | null;
  readonly event: JsonValue;
  readonly at: Date;
}

export interface TransitionStore {
  append(row: TransitionRow): Promise<void>;
  /** Every stored transition of `agentId`, oldest first. */
  list(agentId: string): Promise<StoredTransition[]>;
  /** The highest stored version of `agentId` (0 when none): where a restarted writer continues. */
  lastVersion(agentId: string): Promise<number>;
  /** Deletes `agentId`'s history (tests, and an agent removed from the directory). */
  forget(agentId: string): Promise<void>;
}

export function createTransitionStore(db: Db): TransitionStore {
  const tdb = db.withTables<{ agent_state_transitions: AgentStateTransitionsTable }>();
  const toValues = (row: TransitionRow) => ({
    agent_id: row.agentId,
    version: row.version,
    from_state: row.from,
    to_state: row.to,
    reason: row.reason,
    event: JSON.stringify(row.event),
    at: row.at,
  });
  // Agents' transitions arriving together (a busy queue) share one INSERT; each append still
  // resolves only once its own row is stored (group-commit.ts).
  const group = new GroupCommit<TransitionRow>({
    writeMany: async (rows) => {
      await tdb.insertInto('agent_state_transitions').values(rows.map(toValues)).execute();
    },
    writeOne: async (row) => {
      await tdb.insertInto('agent_state_transitions').values(toValues(row)).execute();
    },
  });
  return {
    append: (row) => group.add(row),
    async forget(agentId) {
      await tdb.deleteFrom('agent_state_transitions').where('agent_id', '=', agentId).execute();
    },
    async lastVersion(agentId) {
      const row = await tdb
        .selectFrom('agent_state_transitions')
        .select('version')
        .where('agent_id', '=', agentId)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row?.version ?? 0;
    },
    async list(agentId) {
      const rows = await tdb
        .selectFrom('agent_state_transitions')
        .selectAll()
        .where('agent_id', '=', agentId)
        .orderBy('version')
        .execute();
      return rows.map((r) => ({
        agentId: r.agent_id,
        version: r.version,
        from: r.from_state,
        to: r.to_state,
        reason: r.reason,
        event: r.event,
        at: r.at,
      }));
    },
  };
}
