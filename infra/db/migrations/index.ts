/**
 * The static list of migrations (no directory scanning, so bundles and `dist/` work alike).
 * Add a migration: create `NNNN_what.ts` beside this file and add one line below.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_node_events_and_settings.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_node_events_and_settings': m0001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};
