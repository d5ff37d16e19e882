/** Operator settings kept in the database (`kv_settings`): get, upsert, delete. */
import type { Kysely } from 'kysely';
import type { Clock } from '../../sip-engine/util/clock.js';
import type { Database, JsonValue, KvSetting } from './schema.js';

export interface SettingsStore {
  get(key: string): Promise<KvSetting | undefined>;
  /** Inserts or replaces `key`; returns the stored row. */
  put(key: string, value: JsonValue): Promise<KvSetting>;
  /** True if a row was deleted. */
  delete(key: string): Promise<boolean>;
}

export function createSettingsStore(db: Kysely<Database>, clock: Clock): SettingsStore {
  return {
    get(key) {
      return db.selectFrom('kv_settings').selectAll().where('key', '=', key).executeTakeFirst();
    },
    put(key, value) {
      const json = JSON.stringify(value);
      const now = clock.wallNow();
      return db
        .insertInto('kv_settings')
        .values({ key, value: json, updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: now }))
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async delete(key) {
      const res = await db.deleteFrom('kv_settings').where('key', '=', key).executeTakeFirst();
      return res.numDeletedRows > 0n;
    },
  };
}
