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

export interface Database {
  node_events: NodeEventsTable;
  kv_settings: KvSettingsTable;
}

export type NodeEvent = Selectable<NodeEventsTable>;
export type NewNodeEvent = Insertable<NodeEventsTable>;
export type KvSetting = Selectable<KvSettingsTable>;
