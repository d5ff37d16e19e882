/**
 * One TCP or TLS listening socket for the stream endpoints that share an address and port. SIP over
 * TCP/TLS and SIP over WebSocket (RFC 7118) can share a port: an HTTP upgrade starts with `GET`, a
 * SIP message never does, so the first byte decides.
 */
import { createServer as createTcpServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { TlsOptions } from 'node:tls';
import type { Clock } from '../util/clock.js';
import { isSecure } from './addresses.js';
import type { TransportLogger } from './logger.js';
import type { LocalEndpoint, TransportStats } from './types.js';

export type ListenerState = 'new' | 'listening' | 'closed';

const ALLOWED: Readonly<Record<ListenerState, readonly ListenerState[]>> = {
  new: ['listening', 'closed'],
  listening: ['closed'],
  closed: [],
};

export interface StreamListenerDeps {
  clock: Clock;
  idleTimeoutMs: number;
  maxConnections: number;
  stats: TransportStats;
  logger: TransportLogger;
  tls: TlsOptions | undefined;
  /** Whether one more connection may be accepted (global maxConnections). */
  canAccept(): boolean;
  onSipSocket(socket: Socket, endpoint: LocalEndpoint): void;
  onWebSocketCandidate(socket: Socket, endpoint: LocalEndpoint): void;
}

const HTTP_GET_FIRST_BYTE = 0x47; // 'G'

export class StreamListener {
  /** The endpoints served; ports are updated to the bound port after listen(). */
  readonly endpoints: LocalEndpoint[];
  readonly #deps: StreamListenerDeps;
  readonly #server: Server;
  readonly #sip: LocalEndpoint | undefined;
  readonly #ws: LocalEndpoint | undefined;
  #state: ListenerState = 'new';
  /** Every accepted socket still alive, so close() can tear them all down. */
  readonly #sockets = new Set<Socket>();

  constructor(endpoints: LocalEndpoint[], deps: StreamListenerDeps) {
    this.endpoints = endpoints.map((e) => ({ ...e }));
    this.#deps = deps;
    this.#sip = this.endpoints.find((e) => e.protocol === 'tcp' || e.protocol === 'tls');
    this.#ws = this.endpoints.find((e) => e.protocol === 'ws' || e.protocol === 'wss');
    const secure = this.endpoints.some((e) => isSecure(e.protocol));
    if (secure) {
      if (!deps.tls) throw new Error('a TLS/WSS endpoint needs tls key and certificate');
      const server = createTlsServer({ ...deps.tls, handshakeTimeout: deps.idleTimeoutMs });
      server.on('secureConnection', (socket) => this.#accepted(socket));
      server.on('tlsClientError', (err) => deps.logger.debug({ err }, 'TLS handshake failed'));
      this.#server = server;
    } else {
      this.#server = createTcpServer((socket) => this.#accepted(socket));
    }
    // Hard cap in the kernel-facing accept loop too (counts sockets still in a TLS/WS handshake).
    this.#server.maxConnections = deps.maxConnections;
    this.#server.on('drop', () => (deps.stats.connectionsRefused += 1));
  }

  #to(next: ListenerState): void {
    if (!ALLOWED[this.#state].includes(next))
      throw new Error(`stream listener: illegal move ${this.#state} → ${next}`);
    this.#state = next;
  }

  async listen(): Promise<LocalEndpoint[]> {
    const first = this.endpoints[0];
    if (!first) throw new Error('stream listener without endpoints');
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ port: first.port, host: first.address, exclusive: true }, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#to('listening');
    const address = this.#server.address();
    const port = typeof address === 'object' && address ? address.port : first.port;
    for (const e of this.endpoints) e.port = port;
    this.#server.on('error', (err) => this.#deps.logger.warn({ err }, 'stream listener error'));
    return this.endpoints;
  }

  #accepted(socket: Socket): void {
    socket.on('error', () => undefined); // errors before a Connection owns the socket are not fatal
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    if (this.#state !== 'listening' || !this.#deps.canAccept()) {
      this.#deps.stats.connectionsRefused += 1;
      socket.destroy();
      return;
    }
    if (this.#sip && !this.#ws) this.#deps.onSipSocket(socket, this.#sip);
    else if (this.#ws && !this.#sip) this.#deps.onWebSocketCandidate(socket, this.#ws);
    else this.#sniff(socket);
  }

  /** Reads the first chunk, puts it back, and hands the socket to SIP or to the WebSocket gateway. */
  #sniff(socket: Socket): void {
    const guard = this.#deps.clock.setTimer(() => socket.destroy(), this.#deps.idleTimeoutMs);
    socket.once('close', () => guard.cancel());
    socket.once('data', (chunk: Buffer) => {
      guard.cancel();
      socket.pause();
      socket.unshift(chunk);
      const sip = this.#sip;
      const ws = this.#ws;
      if (chunk[0] === HTTP_GET_FIRST_BYTE && ws) this.#deps.onWebSocketCandidate(socket, ws);
      else if (sip) this.#deps.onSipSocket(socket, sip);
      socket.resume();
    });
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const wasListening = this.#state === 'listening';
    this.#to('closed');
    if (!wasListening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }
}
