/**
 * HTTP upgrade handling for SIP over WebSocket (RFC 7118). Sockets accepted by a StreamListener are
 * fed into one HTTP server that never listens itself; the upgrade must offer the `sip` subprotocol
 * (RFC 7118 §4.1, §7: the server selects "sip" or refuses), other HTTP requests get 426.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Clock, TimerHandle } from '../util/clock.js';
import { normalizeAddress } from './addresses.js';
import type { TransportLogger } from './logger.js';
import type { LocalEndpoint, TransportStats } from './types.js';

export const SIP_SUBPROTOCOL = 'sip';

export interface WsGatewayDeps {
  clock: Clock;
  idleTimeoutMs: number;
  maxMessageBytes: number;
  stats: TransportStats;
  logger: TransportLogger;
  canAccept(): boolean;
  /** `socket` is the upgraded TCP/TLS socket under `ws` (watched for partially received frames). */
  onWebSocket(
    ws: WebSocket,
    remote: { address: string; port: number },
    endpoint: LocalEndpoint,
    socket: Duplex,
  ): void;
}

interface Pending {
  endpoint: LocalEndpoint;
  guard: TimerHandle;
}

/** The `Sec-WebSocket-Protocol` offers of a request (RFC 6455 §4.1: comma-separated tokens). */
function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  return (raw ?? '')
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

export class WsGateway {
  readonly #deps: WsGatewayDeps;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  /** Sockets between TCP accept and the completed upgrade (guarded by the idle timer). */
  readonly #pending = new Map<Duplex, Pending>();

  constructor(deps: WsGatewayDeps) {
    this.#deps = deps;
    this.#http = createServer((_req, res) => {
      res.writeHead(426, { Connection: 'close', Upgrade: 'websocket' }).end();
    });
    this.#http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#upgrade(req, socket, head),
    );
    this.#http.on('clientError', (_err, socket: Duplex) => socket.destroy());
    this.#wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: deps.maxMessageBytes,
      handleProtocols: (protocols) => (protocols.has(SIP_SUBPROTOCOL) ? SIP_SUBPROTOCOL : false),
    });
  }

  /** A socket that should speak HTTP/WebSocket; closed if the upgrade is not done in idleTimeoutMs. */
  accept(socket: Socket, endpoint: LocalEndpoint): void {
    const guard = this.#deps.clock.setTimer(() => socket.destroy(), this.#deps.idleTimeoutMs);
    this.#pending.set(socket, { endpoint, guard });
    socket.once('close', () => this.#forget(socket));
    this.#http.emit('connection', socket);
  }

  #forget(socket: Duplex): Pending | undefined {
    const pending = this.#pending.get(socket);
    pending?.guard.cancel();
    this.#pending.delete(socket);
    return pending;
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const pending = this.#forget(socket);
    if (!pending) return refuse(socket, 500, 'Internal Server Error');
    // RFC 7118 §4.1: the client must offer "sip"; we do not speak WebSocket without it.
    if (!offeredProtocols(req).includes(SIP_SUBPROTOCOL)) {
      this.#deps.logger.debug(
        { offered: req.headers['sec-websocket-protocol'] },
        'WebSocket without sip subprotocol',
      );
      return refuse(socket, 400, 'Bad Request');
    }
    if (!this.#deps.canAccept()) {
      this.#deps.stats.connectionsRefused += 1;
      return refuse(socket, 503, 'Service Unavailable');
    }
    const remote = {
      address: normalizeAddress(req.socket.remoteAddress ?? ''),
      port: req.socket.remotePort ?? 0,
    };
    this.#wss.handleUpgrade(req, socket, head, (ws) =>
      this.#deps.onWebSocket(ws, remote, pending.endpoint, socket),
    );
  }

  /** Destroys sockets still in the HTTP phase. Established WebSockets belong to their Connections. */
  close(): void {
    for (const socket of [...this.#pending.keys()]) {
      this.#forget(socket);
      socket.destroy();
    }
    this.#wss.close();
  }
}
