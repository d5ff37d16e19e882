/** Applies the static migrations with kysely's Migrator; returns what ran, throws on failure. */
import { inspect } from 'node:util';
import { Migrator } from 'kysely';
import type { Kysely } from 'kysely';
import { DbError } from './errors.js';
import { MIGRATIONS, migrationProvider } from './migrations/index.js';

export interface MigrationReport {
  /** Migrations applied by this call, in order (empty when already up to date). */
  applied: string[];
  /** Every migration this build knows about. */
  known: string[];
}

/** Names of every migration this build carries, in order. */
export function knownMigrations(): string[] {
  return Object.keys(MIGRATIONS).sort();
}

/**
 * Brings `schema` to the latest migration. The schema must be first on the connection's search_path
 * (openDatabase sets it): migrations create unqualified tables, kysely's own tables are qualified.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>, schema = 'public'): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema: schema });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const what = failed ? `migration ${failed} failed` : 'migrations could not start';
    const detail = error instanceof Error ? error.message : inspect(error);
    throw new DbError('migration-failed', `${what}: ${detail}`, { cause: error });
  }
  return {
    applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName),
    known: knownMigrations(),
  };
}
