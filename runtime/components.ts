/**
 * The non-SIP components of the composition root, each started from the validated config with its
 * readiness check: storage (PostgreSQL or PGlite), the event bus (NATS or in-process) and the
 * HTTP API. None of these files imports a third-party I/O library: they use the adapters.
 */
import type { PatchbayConfig } from '../config/index.js';
import { NatsBus } from '../infra/bus/index.js';
import type { EventBus } from '../infra/bus/index.js';
import { openDatabase, redactUrl } from '../infra/db/index.js';
import type { DatabaseHandle, OpenDatabaseOptions } from '../infra/db/index.js';
import { createHttpServer } from '../infra/http/index.js';
import type { Readiness, ReadinessCheck } from '../infra/http/index.js';
import type { Logger, Metrics } from '../infra/telemetry/index.js';
import { createMetrics } from '../infra/telemetry/index.js';
import type { Clock } from '../sip-engine/util/clock.js';

export function databaseOptions(cfg: PatchbayConfig, logger: Logger): OpenDatabaseOptions {
  const { url, path, schema } = cfg.database;
  const onIdleError = (err: Error): void => logger.warn({ err }, 'idle database connection failed');
  return url !== undefined ? { url, schema, onIdleError } : { path, schema };
}

/** `postgres postgres://u:***@h/db (schema s)` / `pglite ./data/pglite` for logs. */
export function describeDatabase(cfg: PatchbayConfig): string {
  const { url, path, schema } = cfg.database;
  const where = url !== undefined ? `postgres ${redactUrl(url)}` : `pglite ${path}`;
  return schema === 'public' ? where : `${where} (schema ${schema})`;
}

export function openStorage(cfg: PatchbayConfig, logger: Logger): Promise<DatabaseHandle> {
  return openDatabase(databaseOptions(cfg, logger));
}

/** One trivial query through the pool / PGlite. */
export function databaseCheck(storage: DatabaseHandle): ReadinessCheck {
  return async () => {
    await storage.db.selectFrom('kv_settings').select('key').limit(1).execute();
    return true;
  };
}

/** NATS: not ready between a disconnect and the next reconnect. The in-process bus is always up. */
export function busCheck(bus: EventBus): ReadinessCheck {
  if (!(bus instanceof NatsBus)) return () => true;
  let connected = true;
  bus.onStatus((s) => {
    if (s.type === 'disconnect') connected = false;
    else if (s.type === 'reconnect') connected = true;
  });
  return () => (connected ? true : { ready: false, detail: 'disconnected from NATS; reconnecting' });
}

/** The API server as infra/http builds it (runtime/ never imports fastify itself). */
export type HttpApp = Awaited<ReturnType<typeof createHttpServer>>;

export interface HttpDeps {
  logger: Logger;
  bus: EventBus;
  readiness: Readiness;
  clock: Clock;
  version: string;
  /** The registry /metrics serves (default: a fresh one). */
  metrics?: Metrics;
}

/** Builds the API; `listen()` is separate so a failed listen can still close the instance. */
export function buildHttp(cfg: PatchbayConfig, deps: HttpDeps): Promise<HttpApp> {
  return createHttpServer({ config: cfg, ...deps, metrics: deps.metrics ?? createMetrics() });
}

/** Listens on the configured address; resolves to the base URL (real port, also for port 0). */
export async function listenHttp(app: HttpApp, cfg: PatchbayConfig): Promise<string> {
  await app.listen({ host: cfg.http.host, port: cfg.http.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : cfg.http.port;
  const host = cfg.http.host.includes(':') ? `[${cfg.http.host}]` : cfg.http.host;
  return `http://${host}:${port}`;
}
