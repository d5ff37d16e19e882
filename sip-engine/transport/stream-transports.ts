/**
 * Every stream transport (TCP, TLS, WS, WSS): listeners, the WebSocket gateway, inbound and outbound
 * connections and their reuse (RFC 3261 §18.2.2 responses on the request's connection; requests to a
 * known address:port on the existing connection, RFC 5923 style, as drachtio does).
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TlsOptions } from 'node:tls';
import type { WebSocket } from 'ws';
import type { SipProtocol } from '../message/types.js';
import type { Clock } from '../util/clock.js';
import { isSecure, normalizeAddress } from './addresses.js';
import { Connection } from './connection.js';
import type { CloseReason } from './connection.js';
import { ConnectionRegistry } from './connection-registry.js';
import { openSocket, openWebSocket } from './connector.js';
import type { ClientTlsOptions, ConnectTarget } from './connector.js';
import { TransportError } from './errors.js';
import type { TransportLogger } from './logger.js';
import { attachSocket } from './socket-carrier.js';
import type { CarrierDeps } from './socket-carrier.js';
import { StreamListener } from './stream-listener.js';
import type { LocalEndpoint, RemoteTarget, TransportLimits, TransportStats } from './types.js';
import { attachWebSocket } from './ws-carrier.js';
import { WsGateway } from './ws-gateway.js';

export interface StreamTransportsDeps {
  clock: Clock;
  limits: TransportLimits;
  stats: TransportStats;
  logger: TransportLogger;
  serverTls: TlsOptions | undefined;
  clientTls: ClientTlsOptions;
  /** True if the message parsed and was handed up (the connection then counts as established). */
  onMessage(raw: Buffer, source: RemoteTarget, local: LocalEndpoint): boolean;
  onConnectionClosed(connectionId: string): void;
}

/** `TransportLimits.establishedIdleTimeoutMs` when not configured: one hour. */
export const DEFAULT_ESTABLISHED_IDLE_TIMEOUT_MS = 3_600_000;

/** Groups endpoints that share one TCP listening socket (same address and fixed port). */
function groupByListener(endpoints: readonly LocalEndpoint[]): LocalEndpoint[][] {
  const groups = new Map<string, LocalEndpoint[]>();
  endpoints.forEach((e, i) => {
    const key = e.port === 0 ? `#${i}` : `${normalizeAddress(e.address)}|${e.port}`;
    const group = groups.get(key) ?? [];
    const clash = group.find(
      (g) => isSecure(g.protocol) !== isSecure(e.protocol) || g.protocol === e.protocol,
    );
    if (clash) throw new Error(`${e.protocol} and ${clash.protocol} cannot share ${e.address}:${e.port}`);
    group.push(e);
    groups.set(key, group);
  });
  return [...groups.values()];
}

export class StreamTransports {
  readonly registry = new ConnectionRegistry();
  readonly #deps: StreamTransportsDeps;
  readonly #carrierDeps: CarrierDeps;
  readonly #gateway: WsGateway;
  #listeners: StreamListener[] = [];

  constructor(deps: StreamTransportsDeps) {
    this.#deps = deps;
    this.#carrierDeps = {
      maxMessageBytes: deps.limits.maxMessageBytes,
      stats: deps.stats,
      onMessage: (raw, conn) =>
        deps.onMessage(
          raw,
          {
            protocol: conn.protocol,
            address: conn.remote.address,
            port: conn.remote.port,
            connectionId: conn.id,
          },
          conn.local,
        ),
    };
    this.#gateway = new WsGateway({
      clock: deps.clock,
      idleTimeoutMs: deps.limits.idleTimeoutMs,
      maxMessageBytes: deps.limits.maxMessageBytes,
      stats: deps.stats,
      logger: deps.logger,
      canAccept: () => this.#canAccept(),
      onWebSocket: (ws, remote, endpoint, socket) => this.#adoptWebSocket(ws, remote, endpoint, socket),
    });
  }

  #canAccept(): boolean {
    return this.registry.size < this.#deps.limits.maxConnections;
  }

  /** Listens on every stream endpoint; returns them with their bound ports. */
  async start(endpoints: readonly LocalEndpoint[]): Promise<LocalEndpoint[]> {
    const bound: LocalEndpoint[] = [];
    for (const group of groupByListener(endpoints)) {
      const listener = new StreamListener(group, {
        clock: this.#deps.clock,
        idleTimeoutMs: this.#deps.limits.idleTimeoutMs,
        maxConnections: this.#deps.limits.maxConnections,
        stats: this.#deps.stats,
        logger: this.#deps.logger,
        tls: this.#deps.serverTls,
        canAccept: () => this.#canAccept(),
        onSipSocket: (socket, endpoint) => this.#adoptSocket(socket, endpoint),
        onWebSocketCandidate: (socket, endpoint) => this.#gateway.accept(socket, endpoint),
      });
      this.#listeners.push(listener);
      bound.push(...(await listener.listen()));
    }
    return bound;
  }

  #newConnection(
    protocol: SipProtocol,
    direction: 'inbound' | 'outbound',
    remote: { address: string; port: number },
    local: LocalEndpoint,
  ): Connection {
    const { limits, stats } = this.#deps;
    const conn = new Connection({
      id: this.registry.nextId(protocol),
      protocol,
      direction,
      remote,
      local,
      clock: this.#deps.clock,
      idleTimeoutMs: limits.idleTimeoutMs,
      establishedIdleTimeoutMs: limits.establishedIdleTimeoutMs ?? DEFAULT_ESTABLISHED_IDLE_TIMEOUT_MS,
      maxBacklogBytes: Math.max(1 << 20, 16 * limits.maxMessageBytes),
      onClosed: (c, reason) => this.#closed(c, reason),
    });
    this.registry.add(conn);
    stats.connectionsOpen += 1;
    stats.connectionsTotal += 1;
    return conn;
  }

  #closed(conn: Connection, reason: CloseReason): void {
    this.registry.remove(conn);
    this.#deps.stats.connectionsOpen -= 1;
    if (reason === 'idle') this.#deps.stats.connectionsClosedIdle += 1;
    this.#deps.logger.debug({ connectionId: conn.id, reason }, 'connection closed');
    try {
      this.#deps.onConnectionClosed(conn.id);
    } catch (err) {
      this.#deps.logger.error({ err }, 'connectionClosed listener threw');
    }
  }

  #adoptSocket(socket: Socket, endpoint: LocalEndpoint): void {
    const remote = { address: normalizeAddress(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    attachSocket(
      socket,
      this.#newConnection(endpoint.protocol, 'inbound', remote, endpoint),
      this.#carrierDeps,
    );
  }

  #adoptWebSocket(
    ws: WebSocket,
    remote: { address: string; port: number },
    endpoint: LocalEndpoint,
    socket: Duplex,
  ): void {
    const conn = this.#newConnection(endpoint.protocol, 'inbound', remote, endpoint);
    attachWebSocket(ws, conn, this.#carrierDeps, socket);
  }

  /** A usable connection for `target`: its own connectionId, else one to its address:port. */
  existing(target: RemoteTarget, dest: ConnectTarget): Connection | undefined {
    const byId = target.connectionId === undefined ? undefined : this.registry.byId(target.connectionId);
    if (byId?.isUsable && byId.protocol === target.protocol) return byId;
    return this.registry.byRemote(target.protocol, dest.address, dest.port);
  }

  /** Opens a new outbound connection (resolves its `ready` once established). */
  connect(protocol: SipProtocol, target: ConnectTarget, local: LocalEndpoint): Connection {
    if (!this.#canAccept()) {
      throw new TransportError(
        'connect-failed',
        `maxConnections (${this.#deps.limits.maxConnections}) reached`,
      );
    }
    const conn = this.#newConnection(
      protocol,
      'outbound',
      { address: target.address, port: target.port },
      local,
    );
    try {
      this.#attachOutbound(conn, protocol, target, local);
    } catch (err) {
      conn.carrierGone(err instanceof Error ? err : new Error(String(err)));
    }
    return conn;
  }

  #attachOutbound(
    conn: Connection,
    protocol: SipProtocol,
    target: ConnectTarget,
    local: LocalEndpoint,
  ): void {
    const { limits, clientTls } = this.#deps;
    if (protocol === 'tcp' || protocol === 'tls') {
      const { socket, openEvent } = openSocket(protocol, target, local, clientTls);
      attachSocket(socket, conn, this.#carrierDeps, openEvent);
    } else if (protocol === 'ws' || protocol === 'wss') {
      const wsLimits = { maxMessageBytes: limits.maxMessageBytes, handshakeTimeoutMs: limits.idleTimeoutMs };
      const ws = openWebSocket(protocol, target, local, clientTls, wsLimits);
      attachWebSocket(ws, conn, this.#carrierDeps, undefined);
    } else {
      throw new Error(`${protocol} is not a stream transport`);
    }
  }

  async stop(): Promise<void> {
    const connections = this.registry.all();
    const listeners = this.#listeners.map((l) => l.close());
    this.#gateway.close();
    for (const conn of connections) conn.close('stopped');
    await Promise.all([...listeners, ...connections.map((c) => c.closed)]);
    this.#listeners = [];
  }
}
