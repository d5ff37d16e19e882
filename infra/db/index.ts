/** Public surface of the storage adapter. kysely, pg and PGlite are imported only in this folder. */
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
export type { Database, JsonValue, KvSetting, NodeEvent, NewNodeEvent } from './schema.js';
