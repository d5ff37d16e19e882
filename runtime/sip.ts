/**
 * The SIP side of the composition root: the embedded engine on its own worker thread (design §2:
 * SIP parsing on a second core) or the configured drachtio-servers, and the drachtio-srf
 * connection the router application runs on. The link tracks how many servers are connected,
 * which is the `sip` readiness check.
 */
import type { EventEmitter } from 'node:events';
import type { PatchbayConfig } from '../config/index.js';
import { toEngineConfig } from '../config/index.js';
import { connectSrf } from '../infra/drachtio/srf-connection.js';
import type { DrachtioTarget, Srf } from '../infra/drachtio/srf-connection.js';
import type { Logger } from '../infra/telemetry/index.js';
import { startEngineWorker } from '../sip-engine/worker.js';
import type { EngineWorkerHandle } from '../sip-engine/worker.js';

export interface SipEndpoint {
  protocol: string;
  address: string;
  port: number;
  externalAddress?: string;
}

/** What the runtime reports about SIP. */
export interface SipInfo {
  mode: 'embedded' | 'external';
  /** Embedded: the engine's bound endpoints; external: [] (the drachtio-servers own them). */
  endpoints: SipEndpoint[];
  /** Embedded: the engine's admin (application) port. */
  adminPort?: number;
  /** The drachtio servers the router is connected to (`host:port`). */
  servers: string[];
}

/** Starts the embedded engine on a worker thread; undefined in external mode. */
export async function startEmbeddedEngine(cfg: PatchbayConfig): Promise<EngineWorkerHandle | undefined> {
  if (cfg.sip.mode !== 'embedded') return undefined;
  const logLevel = cfg.log.level === 'trace' || cfg.log.level === 'debug' ? cfg.log.level : 'warn';
  return startEngineWorker(toEngineConfig(cfg), { logLevel });
}

/** A wildcard listen address is reached on loopback. */
function reachable(address: string): string {
  if (address === '0.0.0.0' || address === '') return '127.0.0.1';
  if (address === '::' || address === '[::]') return '::1';
  return address;
}

/**
 * Where the router connects: the embedded engine's real admin port, or the configured servers.
 * Throws for a server with `tls: true` (connectSrf has no TLS option yet).
 */
export function drachtioTargets(
  cfg: PatchbayConfig,
  engine: EngineWorkerHandle | undefined,
): DrachtioTarget[] {
  if (engine) {
    const admin = cfg.sip.engine.admin;
    return [{ host: reachable(admin.address), port: engine.adminPort, secret: admin.secret }];
  }
  const tls = cfg.sip.servers.findIndex((s) => s.tls);
  if (tls >= 0) {
    throw new Error(`sip.servers[${tls}].tls: drachtio over TLS is not supported by infra/drachtio yet`);
  }
  return cfg.sip.servers.map((s) => ({ host: s.host, port: s.port, secret: s.secret }));
}

export function sipInfo(
  cfg: PatchbayConfig,
  engine: EngineWorkerHandle | undefined,
  targets: DrachtioTarget[],
): SipInfo {
  const servers = targets.map((t) =>
    t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`,
  );
  if (!engine) return { mode: cfg.sip.mode, endpoints: [], servers };
  const endpoints = engine.sipEndpoints.map((e) => ({
    protocol: e.protocol,
    address: e.address,
    port: e.port,
    ...(e.externalAddress !== undefined ? { externalAddress: e.externalAddress } : {}),
  }));
  return { mode: 'embedded', endpoints, adminPort: engine.adminPort, servers };
}

/** `udp/127.0.0.1:5060` for logs. */
export function formatEndpoint(e: SipEndpoint): string {
  const host = e.address.includes(':') ? `[${e.address}]` : e.address;
  return `${e.protocol}/${host}:${e.port}`;
}

/** One Srf per drachtio server (drachtio-srf holds one connection per Srf), with liveness tracked. */
export interface SrfLink {
  readonly srfs: readonly Srf[];
  /** Connected servers / expected servers, for the readiness check. */
  status(): { connected: number; expected: number };
  /** Disconnects every server (no reconnect) and resolves once their sockets are closed. */
  disconnect(): Promise<void>;
}

interface TrackedSrf {
  srf: Srf;
  up: boolean;
  closed?: () => void;
}

function track(srf: Srf, where: string, logger: Logger, isClosing: () => boolean): TrackedSrf {
  const entry: TrackedSrf = { srf, up: true };
  // srf's typings omit 'close'/'reconnecting' (drachtio-srf lib/srf.js re-emits them): use the base emitter.
  const events: EventEmitter = srf;
  events.on('connect', (err: unknown) => {
    if (err === null || err === undefined) entry.up = true;
  });
  events.on('close', () => {
    entry.up = false;
    if (isClosing()) logger.info({ server: where }, 'drachtio connection closed');
    else logger.warn({ server: where }, 'drachtio connection lost');
    entry.closed?.();
  });
  events.on('reconnecting', (info: unknown) =>
    logger.info({ server: where, info }, 'reconnecting to drachtio'),
  );
  return entry;
}

function disconnectOne(entry: TrackedSrf): Promise<void> {
  if (!entry.up) return Promise.resolve();
  const done = new Promise<void>((resolve) => (entry.closed = resolve));
  try {
    entry.srf.disconnect();
  } catch {
    return Promise.resolve(); // srf throws when it holds no socket any more
  }
  return done;
}

export async function connectRouterSrf(targets: DrachtioTarget[], logger: Logger): Promise<SrfLink> {
  if (targets.length === 0) throw new Error('no drachtio server to connect to');
  let closing = false;
  const entries: TrackedSrf[] = [];
  try {
    for (const t of targets) {
      const srf = await connectSrf(t);
      entries.push(track(srf, `${t.host}:${t.port}`, logger, () => closing));
    }
  } catch (err) {
    closing = true;
    await Promise.all(entries.map(disconnectOne));
    throw err;
  }
  return {
    srfs: entries.map((e) => e.srf),
    status: () => ({ connected: entries.filter((e) => e.up).length, expected: targets.length }),
    disconnect: () => {
      closing = true;
      return Promise.all(entries.map(disconnectOne)).then(() => undefined);
    },
  };
}
