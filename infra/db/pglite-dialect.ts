/**
 * A kysely dialect that talks to PGlite in-process (no socket, no extra package). PGlite is a single
 * Postgres backend session, so the driver hands out ONE connection and queues every other acquirer
 * until it is released: a transaction holds the session from BEGIN to COMMIT/ROLLBACK and nothing
 * else interleaves. Like a `pg.Pool` with `max: 1`, awaiting a query on `db` while holding a
 * transaction open on `trx` deadlocks; use `trx` inside `db.transaction()`.
 *
 * Type parsing matches node-postgres defaults where PGlite differs: int8 comes back as a string.
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/** PGlite options that make its results look like node-postgres's (int8 → string). */
export const PG_COMPATIBLE_PARSERS = { 20: (text: string): string => text } as const;

const WRITE_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** Quotes an identifier for SQL (savepoint names come from kysely, but never trust a string). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** FIFO exclusive lock: the one PGlite session is lent to one kysely connection at a time. */
class SessionLock {
  #held = false;
  readonly #waiters: (() => void)[] = [];

  acquire(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#held = false;
  }
}

class PgliteConnection implements DatabaseConnection {
  readonly #pg: PGlite;

  constructor(pg: PGlite) {
    this.#pg = pg;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const res = await this.#pg.query<R>(query.sql, [...query.parameters]);
    if (res.command !== undefined && WRITE_COMMANDS.has(res.command)) {
      return { rows: res.rows, numAffectedRows: BigInt(res.rowCount ?? res.affectedRows ?? 0) };
    }
    return { rows: res.rows };
  }

  /** PGlite has no cursors over this API: the query runs once and its rows are yielded in chunks. */
  async *streamQuery<R>(query: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(query);
    for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) };
  }
}

export interface PgliteDialectOptions {
  pglite: PGlite;
  /** Close the PGlite instance when kysely is destroyed (default true). */
  closeOnDestroy?: boolean;
}

class PgliteDriver implements Driver {
  readonly #opts: PgliteDialectOptions;
  readonly #lock = new SessionLock();
  readonly #connection: PgliteConnection;
  #destroyed = false;

  constructor(opts: PgliteDialectOptions) {
    this.#opts = opts;
    this.#connection = new PgliteConnection(opts.pglite);
  }

  async init(): Promise<void> {
    await this.#opts.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#destroyed) throw new Error('PGlite driver has been destroyed');
    await this.#lock.acquire();
    return this.#connection;
  }

  releaseConnection(): Promise<void> {
    this.#lock.release();
    return Promise.resolve();
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let text = 'start transaction';
    if (settings.isolationLevel) text += ` isolation level ${settings.isolationLevel}`;
    if (settings.accessMode) text += ` ${settings.accessMode}`;
    await conn.executeQuery(CompiledQuery.raw(text));
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(conn: DatabaseConnection, name: string): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdent(name)}`));
  }

  async rollbackToSavepoint(conn: DatabaseConnection, name: string): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdent(name)}`));
  }

  async releaseSavepoint(conn: DatabaseConnection, name: string): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdent(name)}`));
  }

  /** Waits for the session to be free (no query or transaction in flight), then closes PGlite. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    await this.#lock.acquire();
    try {
      if (this.#opts.closeOnDestroy !== false && !this.#opts.pglite.closed) await this.#opts.pglite.close();
    } finally {
      this.#lock.release();
    }
  }
}

export class PgliteDialect implements Dialect {
  readonly #opts: PgliteDialectOptions;

  constructor(opts: PgliteDialectOptions) {
    this.#opts = opts;
  }

  createDriver(): Driver {
    return new PgliteDriver(this.#opts);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}
