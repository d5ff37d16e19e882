/**
 * The typed shape of patchbay's tables, as kysely sees them. One interface per table; the
 * `Database` map is what `Kysely<Database>` is parameterised with. Keep it in step with
 * `migrations/` (a migration adds a table here in the same change).
 *
 * Column types follow what the `pg` driver returns (and what the PGlite dialect is configured to
 * return, see pglite-dialect.ts): `bigint` → string, `timestamptz` → Date, `jsonb` → parsed value.
 * jsonb columns are written as JSON text (`JSON.stringify`), so both drivers store the same thing.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Any value that survives JSON.stringify/parse unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A jsonb column: read as the parsed value, written as JSON text. */
export type JsonColumn = ColumnType<JsonValue, string, string>;

/** Append-only audit log of what each node did (started, stopping, config reloaded, ...). */
export interface NodeEventsTable {
  id: Generated<string>;
  at: ColumnType<Date, Date | undefined, never>;
  node: string;
  type: string;
  data: JsonColumn;
}

/** Small operator settings that live in the database rather than the config file. */
export interface KvSettingsTable {
  key: string;
  value: JsonColumn;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** The agent directory (migration 0002): scalar settings of one agent. */
export interface AgentsTable {
  id: string;
  name: string;
  presence_uri: string | null;
  voice_capacity: number;
  chat_capacity: number;
  wrap_up_seconds: number;
  max_no_answers: number;
  source: 'config' | 'api';
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** An address-of-record (canonical `sip:user@domain`) owned by one agent, in the agent's order. */
export interface AgentAorsTable {
  aor: string;
  agent_id: string;
  position: number;
}

/** Digest credentials: HA1 per algorithm for `realm` (RFC 7616 §3.4.2); never the password. */
export interface AgentCredentialsTable {
  agent_id: string;
  username: string;
  realm: string;
  ha1_md5: string;
  ha1_sha256: string;
}

export interface AgentSkillsTable {
  agent_id: string;
  skill: string;
  level: number;
}

export interface AgentTeamsTable {
  agent_id: string;
  team: string;
}

/** A caller number this agent personally manages (unique: one manager per number). */
export interface AgentCustomersTable {
  number: string;
  agent_id: string;
}

/** One registrar binding (migration 0003; RFC 3261 §10.3). */
export interface RegistrarBindingsTable {
  aor: string;
  binding_key: string;
  agent_id: string;
  contact: string;
  instance_id: string | null;
  reg_id: number | null;
  q_milli: number | null;
  call_id: string;
  cseq: number;
  expires_at: Date;
  registered_at: Date;
  updated_at: Date;
  source_address: string;
  source_port: number;
  transport: string;
  user_agent: string | null;
  path: JsonColumn;
}

/** One call (migration 0005, written by router/records): nullable until the event that sets it is seen. */
export interface CallsTable {
  id: string;
  phase: 'arrived' | 'queued' | 'connected' | 'ended';
  version: number;
  started_at: Date;
  sip_call_id: string | null;
  arrived_at: Date | null;
  gateway_id: string | null;
  caller: string | null;
  caller_restricted: boolean | null;
  dialled: string | null;
  entry_kind: string | null;
  entry_id: string | null;
  queue_id: string | null;
  priority: number | null;
  queued_at: Date | null;
  wait_ms: number | null;
  agent_id: string | null;
  overflow_target: string | null;
  overflowed_at: Date | null;
  answered_at: Date | null;
  ended_at: Date | null;
  talk_ms: number | null;
  outcome: string | null;
  sip_status: number | null;
  hung_up_by: string | null;
}

/** One offer of a call to an agent (migration 0005). */
export interface CallOffersTable {
  call_id: string;
  offer_id: string;
  version: number;
  agent_id: string;
  queue_id: string | null;
  personal_manager: boolean | null;
  devices: number | null;
  offered_at: Date | null;
  ended_at: Date | null;
  ring_ms: number | null;
  outcome: string | null;
  sip_status: number | null;
}

/** A gateway stored through the API (migration 0006): the spec without password, HA1 for digest. */
export interface GatewaysTable {
  id: string;
  spec: JsonColumn;
  username: string | null;
  realm: string | null;
  ha1_md5: string | null;
  ha1_sha256: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** A customer's queue presence subscription (migration 0007, presence/queue-presence/store). */
export interface QueueSubscriptionsTable {
  key: string;
  node_id: string;
  resource: string;
  watcher: string;
  /** The Event header of the subscription's NOTIFYs (type and id). */
  event: string;
  call_id: string;
  /** Our side: the To of the 200 (with our tag), used as the NOTIFY's From. */
  local: string;
  /** The watcher: the SUBSCRIBE's From (with its tag), used as the NOTIFY's To. */
  remote: string;
  local_contact: string | null;
  remote_target: string;
  /** Record-Route URIs of the SUBSCRIBE, in order (RFC 3261 §12.1.1). */
  route_set: JsonColumn;
  expires_at: Date;
}

export interface Database {
  node_events: NodeEventsTable;
  kv_settings: KvSettingsTable;
  agents: AgentsTable;
  agent_aors: AgentAorsTable;
  agent_credentials: AgentCredentialsTable;
  agent_skills: AgentSkillsTable;
  agent_teams: AgentTeamsTable;
  agent_customers: AgentCustomersTable;
  registrar_bindings: RegistrarBindingsTable;
  calls: CallsTable;
  call_offers: CallOffersTable;
  gateways: GatewaysTable;
  queue_subscriptions: QueueSubscriptionsTable;
}

export type NodeEvent = Selectable<NodeEventsTable>;
export type NewNodeEvent = Insertable<NodeEventsTable>;
export type KvSetting = Selectable<KvSettingsTable>;
export type RegistrarBindingRow = Selectable<RegistrarBindingsTable>;
export type NewRegistrarBindingRow = Insertable<RegistrarBindingsTable>;
