/**
 * The agent directory's tables (migration 0002) through kysely: one `agents` row plus child rows
 * for AORs, credentials, skills, teams and personal customers, always written together in one
 * transaction. Uniqueness (id, AOR, digest username, customer number) is the database's job; its
 * violations come back as {@link AgentConflictError}s.
 */
import { constraintViolation } from '../../../infra/db/index.js';
import type { AgentsTable, Db } from '../../../infra/db/index.js';
import type { AgentCredentials, AgentRecord } from '../model/agent.js';
import { AgentConflictError } from '../model/errors.js';
import type { AgentConflictCode } from '../model/errors.js';

export interface CredentialsRow {
  readonly agentId: string;
  readonly credentials: AgentCredentials;
}

export interface AgentRepository {
  list(): Promise<AgentRecord[]>;
  get(id: string): Promise<AgentRecord | undefined>;
  /** Inserts a new agent; AgentConflictError when the id or a unique value is taken. */
  insert(agent: AgentRecord): Promise<void>;
  /** Replaces the agent with `agent.id` if it is at `expectedVersion`; false when it is not (gone or moved on). */
  replace(agent: AgentRecord, expectedVersion: number): Promise<boolean>;
  /** True if the agent existed. */
  remove(id: string): Promise<boolean>;
  credentialsByUsername(username: string): Promise<CredentialsRow | undefined>;
  agentIdByAor(aor: string): Promise<string | undefined>;
}

/** Which conflict a unique violation is, by PostgreSQL's default constraint names. */
const CONFLICTS: Readonly<Record<string, AgentConflictCode>> = {
  agents_pkey: 'agent-exists',
  agent_aors_pkey: 'aor-taken',
  agent_credentials_username_key: 'username-taken',
  agent_customers_pkey: 'customer-taken',
};

function asConflict(err: unknown, agentId: string): unknown {
  const v = constraintViolation(err);
  const code = v?.kind === 'unique' && v.constraint !== undefined ? CONFLICTS[v.constraint] : undefined;
  if (code === undefined) return err;
  const what = code === 'agent-exists' ? `agent '${agentId}' already exists` : (v?.detail ?? code);
  return new AgentConflictError(code, what, { cause: err });
}

function agentRow(a: AgentRecord): AgentsTable {
  return {
    id: a.id,
    name: a.name,
    presence_uri: a.presenceUri ?? null,
    voice_capacity: a.channels.voice,
    chat_capacity: a.channels.chat,
    wrap_up_seconds: a.wrapUpSeconds,
    max_no_answers: a.maxConsecutiveNoAnswers,
    source: a.source,
    version: a.version,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

async function insertChildren(trx: Db, a: AgentRecord): Promise<void> {
  const agent_id = a.id;
  if (a.aors.length > 0) {
    await trx
      .insertInto('agent_aors')
      .values(a.aors.map((aor, position) => ({ aor, agent_id, position })))
      .execute();
  }
  if (a.credentials) {
    const c = a.credentials;
    await trx
      .insertInto('agent_credentials')
      .values({
        agent_id,
        username: c.username,
        realm: c.realm,
        ha1_md5: c.ha1.md5,
        ha1_sha256: c.ha1.sha256,
      })
      .execute();
  }
  if (a.skills.length > 0) {
    await trx
      .insertInto('agent_skills')
      .values(a.skills.map((s) => ({ agent_id, skill: s.skill, level: s.level })))
      .execute();
  }
  if (a.teams.length > 0)
    await trx
      .insertInto('agent_teams')
      .values(a.teams.map((team) => ({ agent_id, team })))
      .execute();
  if (a.personalCustomers.length > 0) {
    await trx
      .insertInto('agent_customers')
      .values(a.personalCustomers.map((number) => ({ number, agent_id })))
      .execute();
  }
}

async function deleteChildren(trx: Db, agentId: string): Promise<void> {
  for (const table of [
    'agent_aors',
    'agent_credentials',
    'agent_skills',
    'agent_teams',
    'agent_customers',
  ] as const) {
    await trx.deleteFrom(table).where('agent_id', '=', agentId).execute();
  }
}

/** Rows by agent id, in query order. */
function byAgent<R extends { agent_id: string }>(rows: readonly R[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of rows) {
    const list = out.get(r.agent_id);
    if (list) list.push(r);
    else out.set(r.agent_id, [r]);
  }
  return out;
}

type Loaded = Awaited<ReturnType<typeof loadChildren>>;

function loadChildren(db: Db, ids: string[]) {
  return Promise.all([
    db
      .selectFrom('agent_aors')
      .selectAll()
      .where('agent_id', 'in', ids)
      .orderBy('position')
      .execute()
      .then(byAgent),
    db.selectFrom('agent_credentials').selectAll().where('agent_id', 'in', ids).execute().then(byAgent),
    db
      .selectFrom('agent_skills')
      .selectAll()
      .where('agent_id', 'in', ids)
      .orderBy('skill')
      .execute()
      .then(byAgent),
    db
      .selectFrom('agent_teams')
      .selectAll()
      .where('agent_id', 'in', ids)
      .orderBy('team')
      .execute()
      .then(byAgent),
    db
      .selectFrom('agent_customers')
      .selectAll()
      .where('agent_id', 'in', ids)
      .orderBy('number')
      .execute()
      .then(byAgent),
  ]);
}

function toRecord(row: AgentsTable, [aors, creds, skills, teams, customers]: Loaded): AgentRecord {
  const cred = creds.get(row.id)?.[0];
  return {
    id: row.id,
    name: row.name,
    aors: (aors.get(row.id) ?? []).map((r) => r.aor),
    ...(row.presence_uri !== null ? { presenceUri: row.presence_uri } : {}),
    skills: (skills.get(row.id) ?? []).map((r) => ({ skill: r.skill, level: r.level })),
    teams: (teams.get(row.id) ?? []).map((r) => r.team),
    channels: { voice: row.voice_capacity, chat: row.chat_capacity },
    personalCustomers: (customers.get(row.id) ?? []).map((r) => r.number),
    wrapUpSeconds: row.wrap_up_seconds,
    maxConsecutiveNoAnswers: row.max_no_answers,
    ...(cred
      ? {
          credentials: {
            username: cred.username,
            realm: cred.realm,
            ha1: { md5: cred.ha1_md5, sha256: cred.ha1_sha256 },
          },
        }
      : {}),
    source: row.source,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Reads agents (all, or those with `ids`) with their child rows: one query per table. */
async function load(db: Db, ids?: readonly string[]): Promise<AgentRecord[]> {
  if (ids?.length === 0) return [];
  let query = db.selectFrom('agents').selectAll().orderBy('id');
  if (ids) query = query.where('id', 'in', [...ids]);
  const agents = await query.execute();
  if (agents.length === 0) return [];
  const children = await loadChildren(
    db,
    agents.map((a) => a.id),
  );
  return agents.map((row) => toRecord(row, children));
}

export function createAgentRepository(db: Db): AgentRepository {
  return {
    list: () => load(db),
    get: async (id) => (await load(db, [id]))[0],
    async insert(agent) {
      try {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('agents').values(agentRow(agent)).execute();
          await insertChildren(trx, agent);
        });
      } catch (err) {
        throw asConflict(err, agent.id);
      }
    },
    async replace(agent, expectedVersion) {
      try {
        return await db.transaction().execute(async (trx) => {
          const { created_at: _created, ...row } = agentRow(agent);
          const updated = await trx
            .updateTable('agents')
            .set(row)
            .where('id', '=', agent.id)
            .where('version', '=', expectedVersion)
            .executeTakeFirst();
          if (updated.numUpdatedRows === 0n) return false;
          await deleteChildren(trx, agent.id);
          await insertChildren(trx, agent);
          return true;
        });
      } catch (err) {
        throw asConflict(err, agent.id);
      }
    },
    async remove(id) {
      const res = await db.deleteFrom('agents').where('id', '=', id).executeTakeFirst();
      return res.numDeletedRows > 0n;
    },
    async credentialsByUsername(username) {
      const c = await db
        .selectFrom('agent_credentials')
        .selectAll()
        .where('username', '=', username)
        .executeTakeFirst();
      if (!c) return undefined;
      return {
        agentId: c.agent_id,
        credentials: { username: c.username, realm: c.realm, ha1: { md5: c.ha1_md5, sha256: c.ha1_sha256 } },
      };
    },
    async agentIdByAor(aor) {
      const r = await db
        .selectFrom('agent_aors')
        .select('agent_id')
        .where('aor', '=', aor)
        .executeTakeFirst();
      return r?.agent_id;
    },
  };
}
