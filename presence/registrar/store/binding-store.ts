/**
 * Registrar bindings in the database (migration 0003), so they survive a restart and every
 * instance of a cluster sees the same ones. A REGISTER runs in one transaction that first locks
 * the agent's directory row (serialising all registrations of that agent across instances), drops
 * the AOR's lapsed bindings, reads the live ones, and writes the plan: RFC 3261 §10.3 step 7 wants
 * all binding updates of a request committed or none.
 */
import type { Db, NewRegistrarBindingRow, RegistrarBindingRow } from '../../../infra/db/index.js';
import type { Binding } from '../model/binding.js';

function toRow(b: Binding): NewRegistrarBindingRow {
  return {
    aor: b.aor,
    binding_key: b.key,
    agent_id: b.agentId,
    contact: b.contact,
    instance_id: b.instanceId ?? null,
    reg_id: b.regId ?? null,
    q_milli: b.qMilli ?? null,
    call_id: b.callId,
    cseq: b.cseq,
    expires_at: new Date(b.expiresAtMs),
    registered_at: new Date(b.registeredAtMs),
    updated_at: new Date(b.updatedAtMs),
    source_address: b.source.address,
    source_port: b.source.port,
    transport: b.source.transport,
    user_agent: b.userAgent ?? null,
    path: JSON.stringify(b.path),
  };
}

function fromRow(r: RegistrarBindingRow): Binding {
  const path = Array.isArray(r.path) ? r.path.filter((p): p is string => typeof p === 'string') : [];
  return {
    aor: r.aor,
    key: r.binding_key,
    agentId: r.agent_id,
    contact: r.contact,
    ...(r.instance_id !== null ? { instanceId: r.instance_id } : {}),
    ...(r.reg_id !== null ? { regId: r.reg_id } : {}),
    ...(r.q_milli !== null ? { qMilli: r.q_milli } : {}),
    callId: r.call_id,
    cseq: r.cseq,
    expiresAtMs: r.expires_at.getTime(),
    registeredAtMs: r.registered_at.getTime(),
    updatedAtMs: r.updated_at.getTime(),
    source: { address: r.source_address, port: r.source_port, transport: r.transport },
    ...(r.user_agent !== null ? { userAgent: r.user_agent } : {}),
    path,
  };
}

/** One REGISTER's view of an AOR inside its transaction. */
export interface AorSession {
  /** Bindings of the AOR that lapsed before `now`, already deleted (report them as expired). */
  readonly lapsed: readonly Binding[];
  /** The AOR's live bindings. */
  readonly live: readonly Binding[];
  /** Writes and removals, inside the same transaction. */
  write(writes: readonly Binding[], removals: readonly Binding[]): Promise<void>;
  /** The agent's live bindings over all its AORs (after the writes). */
  agentBindings(): Promise<Binding[]>;
}

export interface BindingStore {
  /** Runs `work` in a transaction holding the agent's lock; its result is returned after commit. */
  withAor<T>(aor: string, agentId: string, nowMs: number, work: (s: AorSession) => Promise<T>): Promise<T>;
  /** Live bindings of an agent (every AOR), oldest first. */
  listByAgent(agentId: string, nowMs: number): Promise<Binding[]>;
  /** Live bindings of an AOR. */
  listByAor(aor: string, nowMs: number): Promise<Binding[]>;
  /** Deletes up to `limit` lapsed bindings (any AOR) and returns them. */
  sweep(nowMs: number, limit: number): Promise<Binding[]>;
}

async function live(db: Db, column: 'aor' | 'agent_id', value: string, nowMs: number): Promise<Binding[]> {
  const rows = await db
    .selectFrom('registrar_bindings')
    .selectAll()
    .where(column, '=', value)
    .where('expires_at', '>', new Date(nowMs))
    .orderBy('registered_at')
    .orderBy('binding_key')
    .execute();
  return rows.map(fromRow);
}

function session(
  trx: Db,
  aor: string,
  agentId: string,
  nowMs: number,
  lapsed: Binding[],
  current: Binding[],
): AorSession {
  return {
    lapsed,
    live: current,
    async write(writes, removals) {
      for (const b of removals) {
        await trx
          .deleteFrom('registrar_bindings')
          .where('aor', '=', aor)
          .where('binding_key', '=', b.key)
          .execute();
      }
      for (const b of writes) {
        const { aor: _a, binding_key: _k, registered_at: _r, ...update } = toRow(b);
        await trx
          .insertInto('registrar_bindings')
          .values(toRow(b))
          .onConflict((oc) => oc.columns(['aor', 'binding_key']).doUpdateSet(update))
          .execute();
      }
    },
    agentBindings: () => live(trx, 'agent_id', agentId, nowMs),
  };
}

export function createBindingStore(db: Db): BindingStore {
  return {
    withAor(aor, agentId, nowMs, work) {
      return db.transaction().execute(async (trx) => {
        // Serialises every registration of this agent, also across instances (row lock).
        await trx.selectFrom('agents').select('id').where('id', '=', agentId).forUpdate().execute();
        const lapsedRows = await trx
          .deleteFrom('registrar_bindings')
          .where('aor', '=', aor)
          .where('expires_at', '<=', new Date(nowMs))
          .returningAll()
          .execute();
        const current = await live(trx, 'aor', aor, nowMs);
        return work(session(trx, aor, agentId, nowMs, lapsedRows.map(fromRow), current));
      });
    },
    listByAgent: (agentId, nowMs) => live(db, 'agent_id', agentId, nowMs),
    listByAor: (aor, nowMs) => live(db, 'aor', aor, nowMs),
    async sweep(nowMs, limit) {
      const rows = await db
        .deleteFrom('registrar_bindings')
        .where((eb) =>
          eb(
            eb.refTuple('aor', 'binding_key'),
            'in',
            eb
              .selectFrom('registrar_bindings')
              .select(['aor', 'binding_key'])
              .where('expires_at', '<=', new Date(nowMs))
              .limit(limit)
              .$asTuple('aor', 'binding_key'),
          ),
        )
        .returningAll()
        .execute();
      return rows.map(fromRow);
    },
  };
}
