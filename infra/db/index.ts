/** Public surface of the storage adapter. kysely, pg and PGlite are imported only in this folder. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
export { openDatabase, redactUrl, DEFAULT_PGLITE_PATH } from './open-database.js';
export type { DatabaseHandle, DatabaseKind, OpenDatabaseOptions } from './open-database.js';
export { migrateToLatest, knownMigrations } from './migrate.js';
export type { MigrationReport } from './migrate.js';
export { DbError } from './errors.js';
export type { DbErrorCode } from './errors.js';
export { createNodeEventLog } from './node-events.js';
export type { NodeEventLog } from './node-events.js';
export { createSettingsStore } from './settings.js';
export type { SettingsStore } from './settings.js';
export type {
  Database,
  JsonValue,
  KvSetting,
  NodeEvent,
  NewNodeEvent,
  NewRegistrarBindingRow,
  RegistrarBindingRow,
} from './schema.js';
export type {
  AgentAorsTable,
  AgentCredentialsTable,
  AgentCustomersTable,
  AgentSkillsTable,
  AgentsTable,
  AgentTeamsTable,
  CallOffersTable,
  CallsTable,
  RegistrarBindingsTable,
} from './schema.js';
export { constraintViolation } from './pg-errors.js';
export type { ConstraintKind, ConstraintViolation } from './pg-errors.js';
/** The query builder over patchbay's tables (also a transaction's type): repositories take this. */
export type Db = Kysely<Database>;
