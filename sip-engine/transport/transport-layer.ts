/**
 * TransportLayer: the engine's sockets (CONTRACT in types.ts). Composes the UDP listeners, the stream
 * transports (TCP, TLS, WS, WSS) and the inbound pipeline; chooses endpoints; answers "is this us?".
 *
 *   new ──start()──▶ starting ──▶ running ──stop()──▶ stopping ──▶ stopped
 *                        └── bind failure: everything started is closed ──▶ stopped
 */
import { lookup } from 'node:dns/promises';
import { EventEmitter } from 'node:events';
import type { TlsOptions } from 'node:tls';
import type { Clock } from '../util/clock.js';
import { addressFamily, isStream, normalizeAddress } from './addresses.js';
import type { ConnectTarget } from './connector.js';
import { isLocalAddress, selectEndpoint } from './endpoint-selection.js';
import { TransportError, TransportStartError } from './errors.js';
import { InboundPipeline } from './inbound.js';
import { InvalidHostIndex, isInvalidHost, sameStreamTransport } from './invalid-hosts.js';
import { silentLogger } from './logger.js';
import type { TransportLogger } from './logger.js';
import { SourceRateLimiter } from './rate-limiter.js';
import { emptyStats } from './stats.js';
import { StreamTransports } from './stream-transports.js';
import type { Connection } from './connection.js';
import type {
  LocalEndpoint,
  RemoteTarget,
  SendResult,
  TransportEvents,
  TransportLayerApi,
  TransportLimits,
  TransportStats,
} from './types.js';
import { UdpListener } from './udp-listener.js';

export interface TransportTlsOptions {
  key: Buffer | string;
  cert: Buffer | string;
  ca?: Buffer | string | (Buffer | string)[];
  /** Verify peers' certificates on outbound TLS/WSS (default false, like drachtio/sofia). */
  verifyPeer?: boolean;
}

export interface TransportLayerOptions {
  endpoints: LocalEndpoint[];
  tls?: TransportTlsOptions;
  limits: TransportLimits;
  clock: Clock;
  logger?: TransportLogger;
}

export type TransportLayerState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

const ALLOWED: Readonly<Record<TransportLayerState, readonly TransportLayerState[]>> = {
  new: ['starting', 'stopped'],
  starting: ['running', 'stopping'],
  running: ['stopping'],
  stopping: ['stopped'],
  stopped: [],
};

function dedupe(endpoints: readonly LocalEndpoint[]): LocalEndpoint[] {
  const seen = new Set<string>();
  return endpoints.filter((e) => {
    const key = `${e.protocol}|${normalizeAddress(e.address)}|${e.port}`;
    if (e.port !== 0 && seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export class TransportLayer implements TransportLayerApi {
  readonly #opts: TransportLayerOptions;
  readonly #logger: TransportLogger;
  readonly #events = new EventEmitter();
  readonly #stats: TransportStats = emptyStats();
  readonly #pipeline: InboundPipeline;
  readonly #streams: StreamTransports;
  readonly #invalidHosts = new InvalidHostIndex();
  #udp: UdpListener[] = [];
  #endpoints: LocalEndpoint[];
  #state: TransportLayerState = 'new';

  constructor(opts: TransportLayerOptions) {
    this.#opts = opts;
    this.#logger = opts.logger ?? silentLogger;
    this.#endpoints = dedupe(opts.endpoints).map((e) => ({ ...e }));
    this.#pipeline = new InboundPipeline({
      maxMessageBytes: opts.limits.maxMessageBytes,
      clock: opts.clock,
      stats: this.#stats,
      rateLimiter: new SourceRateLimiter(opts.limits.perSourceRequestsPerSecond, opts.clock),
      logger: this.#logger,
      emitMessage: (m) => {
        this.#invalidHosts.noteRequest(m);
        this.#events.emit('message', m);
      },
      emitMalformed: (m) => this.#events.emit('malformed', m),
    });
    this.#streams = new StreamTransports({
      clock: opts.clock,
      limits: opts.limits,
      stats: this.#stats,
      logger: this.#logger,
      serverTls: opts.tls ? serverTlsOptions(opts.tls) : undefined,
      clientTls: {
        ...(opts.tls ? serverTlsOptions(opts.tls) : {}),
        verifyPeer: opts.tls?.verifyPeer ?? false,
      },
      onMessage: (raw, source, local) => this.#pipeline.handle(raw, source, local),
      onConnectionClosed: (id) => {
        this.#invalidHosts.forget(id);
        this.#events.emit('connectionClosed', id);
      },
    });
  }

  get state(): TransportLayerState {
    return this.#state;
  }

  /** Configured endpoints before start(); bound ones (real ports) after. */
  get endpoints(): readonly LocalEndpoint[] {
    return this.#endpoints;
  }

  /** A snapshot of the counters. */
  get stats(): TransportStats {
    return { ...this.#stats };
  }

  #to(next: TransportLayerState): void {
    if (!ALLOWED[this.#state].includes(next))
      throw new Error(`transport layer: illegal move ${this.#state} → ${next}`);
    this.#state = next;
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void {
    this.#events.on(event, listener);
  }

  async start(): Promise<void> {
    this.#to('starting');
    try {
      const bound: LocalEndpoint[] = [];
      for (const e of this.#endpoints.filter((x) => x.protocol === 'udp')) {
        const listener = new UdpListener(e, {
          logger: this.#logger,
          onDatagram: (raw, source, local) => this.#pipeline.handle(raw, source, local),
        });
        this.#udp.push(listener);
        bound.push(await listener.bind());
      }
      bound.push(...(await this.#streams.start(this.#endpoints.filter((x) => isStream(x.protocol)))));
      this.#endpoints = bound;
    } catch (err) {
      this.#to('stopping');
      await this.#closeAll();
      this.#to('stopped');
      throw new TransportStartError(`could not listen: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
    this.#to('running');
    this.#logger.info({ endpoints: this.#endpoints }, 'transport listening');
  }

  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping') return;
    if (this.#state === 'new') return this.#to('stopped');
    this.#to('stopping');
    await this.#closeAll();
    this.#to('stopped');
  }

  async #closeAll(): Promise<void> {
    await Promise.all([...this.#udp.map((u) => u.close()), this.#streams.stop()]);
    this.#udp = [];
  }

  selectEndpoint(target: Pick<RemoteTarget, 'protocol' | 'address'>): LocalEndpoint | undefined {
    if (isInvalidHost(target.address)) return this.#invalidHostConnection(target)?.local;
    return selectEndpoint(this.#endpoints, target);
  }

  /** The open connection a `.invalid` host spoke on (its own connectionId first), if any. */
  #invalidHostConnection(
    target: Pick<RemoteTarget, 'protocol' | 'address' | 'connectionId'>,
  ): Connection | undefined {
    const ids = [target.connectionId, this.#invalidHosts.connectionFor(target.address)];
    for (const id of ids) {
      const conn = id === undefined ? undefined : this.#streams.registry.byId(id);
      if (conn?.isUsable && sameStreamTransport(target.protocol, conn.protocol)) return conn;
    }
    return undefined;
  }

  isLocal(host: string, port: number | undefined): boolean {
    return isLocalAddress(this.#endpoints, host, port, this.#opts.clock.now());
  }

  async send(data: Buffer, target: RemoteTarget): Promise<SendResult> {
    try {
      return await this.#send(data, target);
    } catch (err) {
      this.#stats.sendFailures += 1;
      if (err instanceof TransportError) throw err;
      throw new TransportError('closed', `send to ${target.address}:${target.port} failed`, { cause: err });
    }
  }

  async #send(data: Buffer, target: RemoteTarget): Promise<SendResult> {
    if (this.#state !== 'running') throw new TransportError('closed', `transport is ${this.#state}`);
    const result =
      isStream(target.protocol) && isInvalidHost(target.address)
        ? await this.#sendToInvalidHost(data, target)
        : await this.#sendResolved(data, target);
    this.#stats.messagesSent += 1;
    this.#stats.bytesSent += data.length;
    return result;
  }

  async #sendResolved(data: Buffer, target: RemoteTarget): Promise<SendResult> {
    const dest = await this.#resolve(target);
    return target.protocol === 'udp' ? this.#sendUdp(data, dest) : this.#sendStream(data, target, dest);
  }

  async #sendUdp(data: Buffer, dest: ConnectTarget): Promise<SendResult> {
    const local = this.selectEndpoint({ protocol: 'udp', address: dest.address });
    const udp = local && this.#udp.find((u) => u.endpoint === local);
    if (!local || !udp) throw new TransportError('no-transport', `no udp endpoint for ${dest.address}`);
    // A dual-stack socket bound to :: reaches IPv4 peers through IPv4-mapped addresses (RFC 4291 §2.5.5.2).
    const v4ViaV6 = addressFamily(local.address) === 6 && addressFamily(dest.address) === 4;
    await udp.send(data, v4ViaV6 ? `::ffff:${dest.address}` : dest.address, dest.port);
    return { local, target: { protocol: 'udp', address: dest.address, port: dest.port }, bytes: data.length };
  }

  /** RFC 7118 §5.2: a `.invalid` host cannot be resolved; only the connection it came over reaches it. */
  async #sendToInvalidHost(data: Buffer, target: RemoteTarget): Promise<SendResult> {
    const conn = this.#invalidHostConnection(target);
    if (!conn) {
      throw new TransportError(
        'connect-failed',
        `${target.address} is reachable only over its own connection, which is gone`,
      );
    }
    return this.#sendOn(conn, data);
  }

  /** RFC 3261 §18.2.2 / RFC 5923: an existing connection first; a new one needs a matching endpoint. */
  async #sendStream(data: Buffer, target: RemoteTarget, dest: ConnectTarget): Promise<SendResult> {
    let conn = this.#streams.existing(target, dest);
    if (!conn) {
      const local = this.selectEndpoint({ protocol: target.protocol, address: dest.address });
      if (!local)
        throw new TransportError('no-transport', `no ${target.protocol} endpoint for ${dest.address}`);
      conn = this.#streams.connect(target.protocol, dest, local);
    }
    return this.#sendOn(conn, data);
  }

  async #sendOn(conn: Connection, data: Buffer): Promise<SendResult> {
    await conn.send(data);
    const sent: RemoteTarget = {
      protocol: conn.protocol,
      address: conn.remote.address,
      port: conn.remote.port,
      connectionId: conn.id,
    };
    return { local: conn.local, target: sent, bytes: data.length };
  }

  /** IP literal as is; a host name through the system resolver (so /etc/hosts works), family we serve first. */
  async #resolve(target: RemoteTarget): Promise<ConnectTarget> {
    const address = normalizeAddress(target.address);
    if (addressFamily(address) !== undefined) return { address, port: target.port, hostname: undefined };
    let found: { address: string; family: number }[];
    try {
      found = await lookup(address, { all: true });
    } catch (cause) {
      throw new TransportError('connect-failed', `cannot resolve ${address}`, { cause });
    }
    const usable = found.find((f) => this.selectEndpoint({ protocol: target.protocol, address: f.address }));
    const pick = usable ?? found[0];
    if (!pick) throw new TransportError('connect-failed', `${address} has no address`);
    return { address: normalizeAddress(pick.address), port: target.port, hostname: target.address };
  }
}

function serverTlsOptions(tls: TransportTlsOptions): TlsOptions {
  const opts: TlsOptions = { key: tls.key, cert: tls.cert };
  if (tls.ca !== undefined) opts.ca = tls.ca;
  return opts;
}
