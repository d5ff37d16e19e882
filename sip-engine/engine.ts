/**
 * Composition of the SIP engine: TransportLayer → TransactionLayer → EngineCore (+ ProxyCore) →
 * AppServer. `startEngine` binds every SIP contact and the admin port (port 0 = the OS picks; the
 * handle reports the real ones) and returns a handle with stats() and stop().
 *
 * Lifecycle of a handle: running → stopping → stopped. stop() closes the admin listener first (no
 * new commands), then stops the core's timers, the proxy, the transactions and the sockets.
 */
import { readFileSync } from 'node:fs';
import { AppServer, DEFAULT_IDENTITY } from './app/app-server.js';
import type { EngineConfig } from './config.js';
import { EngineCore } from './core/engine-core.js';
import type { CoreLogger } from './core/logger.js';
import { silentLogger } from './core/logger.js';
import { createEngineMetrics } from './metrics.js';
import type { EngineMetrics } from './metrics.js';
import { ProxyCore } from './proxy/index.js';
import { TransactionLayer } from './transaction/transaction-layer.js';
import { parseContacts } from './transport/contacts.js';
import { hostPort } from './transport/addresses.js';
import { TransportLayer } from './transport/transport-layer.js';
import type { LocalEndpoint, TransportStats } from './transport/types.js';
import { systemClock } from './util/clock.js';
import type { Clock } from './util/clock.js';
import type { Registry } from 'prom-client';

export interface EngineOptions {
  clock?: Clock;
  /** A pino logger (or anything with the same methods); silent by default. */
  logger?: CoreLogger;
  /** prom-client registry to register the engine's metrics in (a private one by default). */
  registry?: Registry;
}

export interface EngineStats {
  dialogs: number;
  pendingRequests: number;
  clientRequests: number;
  transactions: { client: number; server: number };
  transport: TransportStats;
}

export interface EngineHandle {
  /** Bound SIP endpoints (real ports). */
  readonly sipEndpoints: readonly LocalEndpoint[];
  readonly adminPort: number;
  readonly adminTlsPort: number | undefined;
  stats(): EngineStats;
  stop(): Promise<void>;
}

/** The in-thread engine also exposes its metrics and what apps have routed (diagnostics, tests). */
export interface LocalEngineHandle extends EngineHandle {
  readonly metrics: EngineMetrics;
  /** Verbs routed by the currently connected apps (lower case, e.g. `invite`, `cdr:stop`). */
  routedVerbs(): string[];
}

export const ENGINE_VERSION = DEFAULT_IDENTITY.version;

/** `udp/1.2.3.4:5060,tcp/…` as drachtio reports hostports in the authenticate reply (spec §2.4(a)). */
export function formatHostports(endpoints: readonly LocalEndpoint[], publicAddresses: boolean): string {
  return endpoints
    .map(
      (e) =>
        `${e.protocol}/${hostPort(publicAddresses && e.externalAddress ? e.externalAddress : e.address, e.port)}`,
    )
    .join(',');
}

function endpointsOf(config: EngineConfig): LocalEndpoint[] {
  return config.contacts.flatMap((c) => parseContacts(c.uri, c.externalIp));
}

function tlsOf(config: EngineConfig): { key: Buffer; cert: Buffer; ca?: Buffer } | undefined {
  if (!config.tls) return undefined;
  const tls: { key: Buffer; cert: Buffer; ca?: Buffer } = {
    key: readFileSync(config.tls.keyFile),
    cert: readFileSync(config.tls.certFile),
  };
  if (config.tls.chainFile) tls.ca = readFileSync(config.tls.chainFile);
  return tls;
}

export async function startEngine(
  config: EngineConfig,
  opts: EngineOptions = {},
): Promise<LocalEngineHandle> {
  const clock = opts.clock ?? systemClock;
  const log = opts.logger ?? silentLogger;
  const tls = tlsOf(config);
  const transport = new TransportLayer({
    endpoints: endpointsOf(config),
    limits: config.limits,
    clock,
    logger: log.child({ layer: 'transport' }),
    ...(tls ? { tls } : {}),
  });
  const transactions = new TransactionLayer({
    transport,
    clock,
    timers: config.timers,
    logger: log.child({ layer: 'transaction' }),
  });
  transport.on('message', (m) => transactions.receive(m));
  const tlsPort = config.admin.tlsPort;
  const app = new AppServer({
    address: config.admin.address,
    port: config.admin.port,
    secret: config.admin.secret,
    clock,
    logger: log.child({ layer: 'app' }),
    ...(tls && tlsPort !== undefined ? { tls: { key: tls.key, cert: tls.cert, port: tlsPort } } : {}),
  });
  const proxyLog = log.child({ layer: 'proxy' });
  const proxy = new ProxyCore({
    transport,
    transactions,
    clock,
    config,
    logger: {
      debug: (...a: unknown[]) => proxyLog.debug({ args: a }, 'proxy'),
      warn: (...a: unknown[]) => proxyLog.warn({ args: a }, 'proxy'),
    },
  });
  const holder: { core?: EngineCore } = {};
  const metrics = createEngineMetrics(
    {
      dialogs: () => holder.core?.stats().dialogs ?? 0,
      pendingRequests: () => holder.core?.stats().pendingRequests ?? 0,
      transactions: () => transactions.size,
      connections: () => transport.stats.connectionsOpen,
      transportDrops: () => {
        const s = transport.stats;
        return { malformed: s.malformed, oversize: s.droppedOversize, rateLimited: s.droppedRateLimited };
      },
    },
    opts.registry,
  );
  const core = new EngineCore({
    transport,
    transactions,
    app,
    clock,
    config,
    logger: log.child({ layer: 'core' }),
    metrics,
    proxy,
  });
  holder.core = core;
  app.setHandler(core);
  await transport.start();
  try {
    await app.start();
  } catch (err) {
    await transport.stop();
    throw err;
  }
  app.setIdentity({
    publicHostports: formatHostports(transport.endpoints, true),
    version: ENGINE_VERSION,
    localHostports: formatHostports(transport.endpoints, false),
  });
  log.info({ sip: formatHostports(transport.endpoints, false), admin: app.port }, 'sip engine started');
  return makeHandle({ transport, transactions, app, core, proxy, metrics, log });
}

interface Parts {
  transport: TransportLayer;
  transactions: TransactionLayer;
  app: AppServer;
  core: EngineCore;
  proxy: ProxyCore;
  metrics: EngineMetrics;
  log: CoreLogger;
}

function makeHandle(p: Parts): LocalEngineHandle {
  let stopping: Promise<void> | undefined;
  return {
    sipEndpoints: p.transport.endpoints,
    adminPort: p.app.port,
    adminTlsPort: p.app.tlsPort,
    metrics: p.metrics,
    routedVerbs: () => [...new Set(p.app.connections().flatMap((c) => p.app.routesOf(c)))],
    stats: () => ({ ...p.core.stats(), transactions: p.transactions.size, transport: p.transport.stats }),
    stop: () => {
      stopping ??= (async () => {
        await p.app.stop();
        p.core.stop();
        p.proxy.stop();
        p.transactions.stop();
        await p.transport.stop();
        p.log.info({}, 'sip engine stopped');
      })();
      return stopping;
    },
  };
}
