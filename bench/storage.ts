/**
 * Storage benchmark: which way to run the embedded PGlite default, measured.
 *   pglite-inprocess  our kysely dialect calling PGlite directly (infra/db/pglite-dialect.ts)
 *   pglite-socket     PGlite served by @electric-sql/pglite-socket on loopback, real `pg` driver
 *   postgres          the machine's PostgreSQL, for reference (skipped if unreachable)
 * For each: start-up on a new directory (initdb + migrations) and on an existing one, then
 * sequential single-row insert and primary-key select, then concurrent mixed load stepped up until
 * failures appear or the steps run out. Each back end runs in its own child process (clean memory
 * figures). Run: `node --import tsx bench/storage.ts` → bench/results/storage.json.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../infra/db/migrate.js';
import { openDatabase } from '../infra/db/open-database.js';
import type { Database } from '../infra/db/schema.js';
import { canConnect } from '../test-support/services.js';
import { freePort } from '../test-support/ports.js';

const BACKENDS = ['pglite-inprocess', 'pglite-socket', 'postgres'] as const;
type Backend = (typeof BACKENDS)[number];
const SEQUENTIAL_OPS = 2000;
const STEP_OPS = 2000;
const CONCURRENCY_STEPS = [1, 4, 16, 64, 256];
const RESTARTS = 5;
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Opened {
  db: Kysely<Database>;
  close: () => Promise<void>;
}

async function openSocket(dir: string): Promise<Opened> {
  const pglite = await PGlite.create({ dataDir: dir });
  const port = await freePort();
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port, maxConnections: 1 });
  await server.start();
  const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', max: 1 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db);
  return {
    db,
    close: async () => {
      await db.destroy();
      await server.stop();
      await pglite.close();
    },
  };
}

async function openBackend(backend: Backend, dir: string, schema: string): Promise<Opened> {
  if (backend === 'pglite-socket') return openSocket(dir);
  const h =
    backend === 'postgres' ? await openDatabase({ url: PG_URL, schema }) : await openDatabase({ path: dir });
  return { db: h.db, close: () => h.close() };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Number((sorted[Math.max(0, i)] ?? 0).toFixed(3));
}

function summarise(latencies: number[], elapsedMs: number, failures: number): Record<string, number> {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    ops: latencies.length,
    failures,
    opsPerSec: Math.round((latencies.length / elapsedMs) * 1000),
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
  };
}

async function timed(fn: () => Promise<unknown>, latencies: number[]): Promise<boolean> {
  const t0 = performance.now();
  try {
    await fn();
    latencies.push(performance.now() - t0);
    return true;
  } catch {
    return false;
  }
}

const insertOne = (db: Kysely<Database>, i: number) => () =>
  db
    .insertInto('node_events')
    .values({ node: 'bench', type: 'bench.op', data: JSON.stringify({ i }) })
    .execute();
const selectOne = (db: Kysely<Database>, i: number) => () =>
  db
    .selectFrom('kv_settings')
    .selectAll()
    .where('key', '=', `k${i % 200}`)
    .executeTakeFirst();

async function sequential(op: (i: number) => () => Promise<unknown>): Promise<Record<string, number>> {
  const lat: number[] = [];
  let failures = 0;
  const t0 = performance.now();
  for (let i = 0; i < SEQUENTIAL_OPS; i++) if (!(await timed(op(i), lat))) failures++;
  return summarise(lat, performance.now() - t0, failures);
}

async function concurrentStep(db: Kysely<Database>, concurrency: number): Promise<Record<string, number>> {
  const lat: number[] = [];
  let failures = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < STEP_OPS) {
      const i = next++;
      const op = i % 2 === 0 ? insertOne(db, i) : selectOne(db, i);
      if (!(await timed(op, lat))) failures++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { concurrency, ...summarise(lat, performance.now() - t0, failures) };
}

async function seedSettings(db: Kysely<Database>): Promise<void> {
  const rows = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ i }) }));
  await db
    .insertInto('kv_settings')
    .values(rows)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** First start on an empty directory, then the median of RESTARTS reopenings of it. */
async function startup(backend: Backend, dir: string, schema: string): Promise<[number, number, Opened]> {
  let t0 = performance.now();
  let opened = await openBackend(backend, dir, schema);
  const firstMs = performance.now() - t0;
  const restarts: number[] = [];
  for (let i = 0; i < RESTARTS; i++) {
    await opened.close();
    t0 = performance.now();
    opened = await openBackend(backend, dir, schema);
    restarts.push(performance.now() - t0);
  }
  return [
    firstMs,
    percentile(
      restarts.sort((a, b) => a - b),
      50,
    ),
    opened,
  ];
}

async function runBackend(backend: Backend): Promise<Record<string, unknown>> {
  const dir = join(mkdtempSync(join(tmpdir(), 'patchbay-bench-')), 'db');
  const schema = `bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  try {
    const [firstStartMs, restartMs, h] = await startup(backend, dir, schema);
    await seedSettings(h.db);
    const insert = await sequential((i) => insertOne(h.db, i));
    const select = await sequential((i) => selectOne(h.db, i));
    const steps: Record<string, number>[] = [];
    for (const c of CONCURRENCY_STEPS) {
      const step = await concurrentStep(h.db, c);
      steps.push(step);
      if ((step.failures ?? 0) > 0) break;
    }
    if (backend === 'postgres') await h.db.schema.dropSchema(schema).cascade().execute();
    await h.close();
    const rssMb = Math.round(process.memoryUsage().rss / 1e6);
    return {
      backend,
      firstStartMs: Math.round(firstStartMs),
      restartMedianMs: Math.round(restartMs),
      insert,
      select,
      steps,
      rssMb,
    };
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
}

async function orchestrate(): Promise<void> {
  const results: Record<string, unknown>[] = [];
  for (const backend of BACKENDS) {
    if (backend === 'postgres' && !(await canConnect('127.0.0.1', 5432))) {
      results.push({ backend, skipped: `PostgreSQL not reachable at ${PG_URL}` });
      continue;
    }
    process.stderr.write(`bench:storage ${backend} ...\n`);
    const out = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, backend], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    results.push(JSON.parse(out) as Record<string, unknown>);
  }
  const report = {
    bench: 'storage',
    at: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    /** 1-minute load average when the run ended: the machine is shared, so figures are noisy. */
    loadAverage: Number(loadavg()[0]?.toFixed(2)),
    sequentialOps: SEQUENTIAL_OPS,
    stepOps: STEP_OPS,
    results,
  };
  const file = join(import.meta.dirname, 'results', 'storage.json');
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

const arg = process.argv[2];
if (arg === undefined) await orchestrate();
else if ((BACKENDS as readonly string[]).includes(arg)) {
  process.stdout.write(JSON.stringify(await runBackend(arg as Backend)) + '\n');
} else {
  process.stderr.write(`usage: bench/storage.ts [${BACKENDS.join('|')}]\n`);
  process.exitCode = 2;
}
