/**
 * openDatabase(): one entry point for both storage back ends.
 * - `url` set → PostgreSQL through `pg` (a pool) and kysely's PostgresDialect.
 * - otherwise → PGlite (Postgres in WASM) in-process, persisted under `path`, through our
 *   PgliteDialect (see README.md for why in-process rather than pglite-socket).
 * Migrations are applied at open (unless `migrate: false`). `schema` puts every table, including
 * kysely's migration tables, in that Postgres schema (created if missing) via the search_path.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import { DbError } from './errors.js';
import { knownMigrations, migrateToLatest, type MigrationReport } from './migrate.js';
import { PG_COMPATIBLE_PARSERS, PgliteDialect, quoteIdent } from './pglite-dialect.js';
import type { Database } from './schema.js';

export const DEFAULT_PGLITE_PATH = './data/pglite';

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when set, `path` is ignored. */
  url?: string;
  /** Embedded data directory (default `./data/pglite`); `memory://` keeps it in memory only. */
  path?: string;
  /** Postgres schema holding every table, first on the search_path (default `public`). */
  schema?: string;
  /** Apply pending migrations at open (default true). */
  migrate?: boolean;
  /** PostgreSQL pool size (default 10). */
  poolMax?: number;
  /** Told about errors on idle pooled connections (which would otherwise be lost). */
  onIdleError?: (err: Error) => void;
}

export type DatabaseKind = 'postgres' | 'pglite';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** What the open-time migration did (`applied` is empty with `migrate: false` or when up to date). */
  readonly migrations: MigrationReport;
  /** Closes the pool / PGlite and releases the data directory. Idempotent. */
  close(): Promise<void>;
}

type HandleState = 'open' | 'closing' | 'closed';
const HANDLE_MOVES: Record<HandleState, readonly HandleState[]> = {
  open: ['closing'],
  closing: ['closed'],
  closed: [],
};

function transition(from: HandleState, to: HandleState): HandleState {
  if (!HANDLE_MOVES[from].includes(to))
    throw new DbError('closed', `database handle cannot go ${from} → ${to}`);
  return to;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

interface Opened {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Runs after kysely is destroyed. */
  release: () => void;
}

async function openPostgres(url: string, schema: string, opts: OpenDatabaseOptions): Promise<Opened> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolMax ?? 10,
    options: `-c search_path=${schema}`,
  });
  pool.on('error', (err) => opts.onIdleError?.(err));
  try {
    await pool.query('select 1');
    if (schema !== 'public') await pool.query(`create schema if not exists ${quoteIdent(schema)}`);
  } catch (err) {
    await pool.end();
    const reason = err instanceof Error ? err.message : String(err);
    throw new DbError('unreachable', `PostgreSQL at ${redactUrl(url)}: ${reason}`, { cause: err });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', release: () => undefined };
}

/** `memory://` keeps the database in memory only (nothing on disk, no lock). */
function prepareDataDir(path: string): { dataDir: string; release: () => void } {
  if (path.startsWith('memory://')) return { dataDir: path, release: () => undefined };
  const dataDir = resolve(path);
  mkdirSync(dirname(dataDir), { recursive: true });
  const lock = lockDataDir(dataDir);
  return { dataDir, release: () => lock.release() };
}

async function openPglite(path: string, schema: string): Promise<Opened> {
  const { dataDir, release } = prepareDataDir(path);
  let pglite: PGlite | undefined;
  try {
    pglite = await PGlite.create({ dataDir, parsers: PG_COMPATIBLE_PARSERS });
    if (schema !== 'public') await pglite.exec(`create schema if not exists ${quoteIdent(schema)}`);
    await pglite.exec(`set search_path to ${quoteIdent(schema)}`);
    const db = new Kysely<Database>({ dialect: new PgliteDialect({ pglite }) });
    return { db, kind: 'pglite', release };
  } catch (err) {
    await pglite?.close().catch(() => undefined);
    release();
    const reason = err instanceof Error ? err.message : String(err);
    throw new DbError('open-failed', `PGlite on ${dataDir}: ${reason}`, { cause: err });
  }
}

/** Hides the password in a connection string for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@').replace(/([?&]password=)[^&]*/i, '$1***');
}

export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  const schema = opts.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new DbError('bad-options', `schema '${schema}' must match ${SCHEMA_NAME.source}`);
  }
  const opened =
    opts.url !== undefined
      ? await openPostgres(opts.url, schema, opts)
      : await openPglite(opts.path ?? DEFAULT_PGLITE_PATH, schema);
  let migrations: MigrationReport = { applied: [], known: knownMigrations() };
  try {
    // Always name the schema: kysely's Migrator otherwise finds its tables in ANY schema.
    if (opts.migrate !== false) migrations = await migrateToLatest(opened.db, schema);
  } catch (err) {
    await opened.db.destroy();
    opened.release();
    throw err;
  }
  return makeHandle(opened, migrations);
}

function makeHandle(opened: Opened, migrations: MigrationReport): DatabaseHandle {
  let state: HandleState = 'open';
  let closing: Promise<void> | undefined;
  return {
    db: opened.db,
    kind: opened.kind,
    migrations,
    close() {
      if (state !== 'open') return closing ?? Promise.resolve();
      state = transition(state, 'closing');
      closing = opened.db.destroy().finally(() => {
        opened.release();
        state = transition(state, 'closed');
      });
      return closing;
    },
  };
}
