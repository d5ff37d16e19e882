/**
 * The drachtio application-protocol server (spec §2): the admin listener that drachtio-srf apps
 * connect to (§2.1 inbound mode, TCP and optional TLS), authenticate and tags, route/remove_route
 * with round robin, ping, parse-level `NO` replies, and CDR delivery. `sip` and `proxy` commands go
 * to the engine core through EngineCommandHandler; the core answers through a CommandResponder.
 *
 * Stricter than the C++ server (allowed by §2.3): any command before a successful `authenticate`
 * gets `NO` and the connection is closed; tags are validated.
 *
 * Server lifecycle: idle → starting → listening → stopping → stopped (starting → stopped when a
 * listener cannot bind; idle → stopped when stopped before start). Options: app-server-options.ts.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer as createTcpServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { systemClock } from '../util/clock.js';
import type { Clock } from '../util/clock.js';
import { AppClientConnection } from './app-connection.js';
import type { ConnectionEvents, ConnectionLimits } from './app-connection.js';
import { NO_REASONS, parseCommand } from './commands.js';
import type { AppCommand } from './commands.js';
import { DEFAULT_MAX_FRAME_BYTES } from './framing.js';
import { authenticateTokens, cdrFrame, newMsgId, nokReply, responseFrame, sipFrame } from './frames.js';
import { AppServerError, DEFAULT_IDENTITY, silentLogger } from './app-server-options.js';
import type { AppServerLogger, AppServerOptions } from './app-server-options.js';
import { closeServers, listenOn } from './listeners.js';
import { Responder } from './responder.js';
import type { ReplyFn } from './responder.js';
import { RouteRegistry } from './route-registry.js';
import type {
  AppConnection,
  AppServerApi,
  CdrKind,
  CommandReply,
  EngineCommand,
  EngineCommandHandler,
  SipFrame,
} from './types.js';

export { AppServerError, DEFAULT_IDENTITY };
export type { AppServerLogger, AppServerOptions };

export type AppServerState = 'idle' | 'starting' | 'listening' | 'stopping' | 'stopped';

const NEXT_STATES: Record<AppServerState, readonly AppServerState[]> = {
  idle: ['starting', 'stopped'],
  starting: ['listening', 'stopped'],
  listening: ['stopping'],
  stopping: ['stopped'],
  stopped: [],
};

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export class AppServer implements AppServerApi {
  readonly #opts: AppServerOptions;
  readonly #clock: Clock;
  readonly #log: AppServerLogger;
  readonly #limits: ConnectionLimits;
  readonly #secretDigest: Buffer;
  readonly #conns = new Map<string, AppClientConnection>();
  readonly #routes = new RouteRegistry<AppClientConnection>();
  readonly #events: ConnectionEvents;
  #state: AppServerState = 'idle';
  #listeners: Server[] = [];
  #port = 0;
  #tlsPort: number | undefined;
  #handler: EngineCommandHandler | undefined;
  #identity = { ...DEFAULT_IDENTITY };
  /** One function for every Responder (no closure per command). */
  readonly #replyTo: ReplyFn = (conn, rid, reply) => this.#reply(conn, rid, reply);

  constructor(opts: AppServerOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#log = opts.logger ?? silentLogger;
    this.#secretDigest = digest(opts.secret);
    this.#limits = {
      maxFrameBytes: opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      maxPendingWriteBytes: opts.maxPendingWriteBytes ?? 16 * 1024 * 1024,
      authTimeoutMs: opts.authTimeoutMs ?? 10_000,
      closeGraceMs: opts.closeGraceMs ?? 2_000,
    };
    this.#events = {
      frame: (conn, payload) => this.#onFrame(conn, payload),
      protocolError: (conn, error) =>
        this.#log.warn({ conn: conn.id, code: error.code }, `app frame error: ${error.message}`),
      dropped: (conn, reason) => this.#log.warn({ conn: conn.id }, `app connection dropped: ${reason}`),
      closed: (conn) => this.#onClosed(conn),
    };
  }

  get port(): number {
    return this.#port;
  }

  get tlsPort(): number | undefined {
    return this.#tlsPort;
  }

  get state(): AppServerState {
    return this.#state;
  }

  /** Every connection currently known (open or closing). */
  connections(): AppConnection[] {
    return [...this.#conns.values()];
  }

  async start(): Promise<void> {
    this.#transition('starting');
    try {
      const tcp = createTcpServer((socket) => this.#accept(socket));
      this.#port = await this.#listen(tcp, this.#opts.port);
      const tls = this.#opts.tls;
      if (tls) {
        const secure = createTlsServer({ key: tls.key, cert: tls.cert }, (socket) => this.#accept(socket));
        secure.on('tlsClientError', (err) => this.#log.debug({ err }, 'app TLS handshake failed'));
        this.#tlsPort = await this.#listen(secure, tls.port);
      }
    } catch (err) {
      await this.#closeListeners();
      this.#transition('stopped');
      throw new AppServerError('start-failed', `admin listener on ${this.#opts.address} failed`, {
        cause: err,
      });
    }
    this.#transition('listening');
    this.#log.info({ port: this.#port, tlsPort: this.#tlsPort }, 'app server listening');
  }

  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping') return;
    if (this.#state === 'idle') return this.#transition('stopped');
    this.#transition('stopping');
    const closing = this.#closeListeners();
    for (const conn of this.#conns.values()) conn.destroy();
    await closing;
    this.#transition('stopped');
  }

  setHandler(handler: EngineCommandHandler): void {
    this.#handler = handler;
  }

  pickAppFor(verb: string): AppConnection | undefined {
    return this.#routes.pick(verb);
  }

  /** Verbs a connection has routed (for diagnostics and tests). */
  routesOf(conn: AppConnection): string[] {
    const own = this.#conns.get(conn.id);
    return own ? this.#routes.verbsOf(own) : [];
  }

  sendSip(conn: AppConnection, frame: SipFrame): boolean {
    const own = this.#conns.get(conn.id);
    if (!own?.open) return false;
    let payload: string;
    try {
      payload = sipFrame(newMsgId(), frame);
    } catch (err) {
      return this.#unformattable(own, err);
    }
    return own.write(payload);
  }

  /** §2.4(c): round robin among apps that did `route|cdr:<kind>`. */
  sendCdr(kind: CdrKind, tokens: string[], sip: string): void {
    const conn = this.#routes.pick(kind);
    if (!conn) return;
    let payload: string;
    try {
      payload = cdrFrame(newMsgId(), kind, tokens, sip);
    } catch (err) {
      this.#unformattable(conn, err);
      return;
    }
    conn.write(payload);
  }

  setIdentity(identity: { publicHostports: string; version: string; localHostports: string }): void {
    this.#identity = { ...identity };
  }

  #transition(to: AppServerState): void {
    if (!NEXT_STATES[this.#state].includes(to)) {
      throw new AppServerError('illegal-transition', `app server cannot go from ${this.#state} to ${to}`);
    }
    this.#state = to;
  }

  #listen(server: Server, port: number): Promise<number> {
    this.#listeners.push(server);
    return listenOn(server, this.#opts.address, port, this.#opts.maxConnections ?? 1000, this.#log);
  }

  #closeListeners(): Promise<void> {
    const servers = this.#listeners;
    this.#listeners = [];
    return closeServers(servers);
  }

  #accept(socket: Socket): void {
    if (this.#state !== 'listening') {
      socket.destroy();
      return;
    }
    // §2.1: srf sets no-delay and keepalive on its side; the server keeps SO_KEEPALIVE on too.
    socket.setNoDelay(true);
    socket.setKeepAlive(true, this.#opts.keepAliveMs ?? 30_000);
    const conn = new AppClientConnection(socket, this.#limits, this.#clock, this.#events);
    this.#conns.set(conn.id, conn);
    this.#log.debug({ conn: conn.id, remote: `${conn.remoteAddress}:${conn.remotePort}` }, 'app connected');
  }

  #onClosed(conn: AppClientConnection): void {
    this.#conns.delete(conn.id);
    this.#routes.removeAll(conn);
    this.#log.debug({ conn: conn.id }, 'app disconnected');
    try {
      this.#handler?.connectionClosed(conn);
    } catch (err) {
      this.#log.error({ err, conn: conn.id }, 'connectionClosed handler threw');
    }
  }

  #onFrame(conn: AppClientConnection, payload: string): void {
    const cmd = parseCommand(payload);
    if (cmd.kind === 'invalid') return this.#refuse(conn, cmd.msgId, cmd.reason);
    if (cmd.kind === 'authenticate') return this.#authenticate(conn, cmd.msgId, cmd.secret, cmd.tags);
    if (!conn.authenticated) return this.#refuse(conn, cmd.msgId, NO_REASONS.notAuthenticated);
    this.#dispatch(conn, cmd);
  }

  #dispatch(conn: AppClientConnection, cmd: Exclude<AppCommand, { kind: 'invalid' | 'authenticate' }>): void {
    switch (cmd.kind) {
      case 'route':
        this.#routes.add(cmd.verb, conn);
        return this.#reply(conn, cmd.msgId, { status: 'OK', tokens: [] });
      case 'remove_route':
        // §2.3 quirk: every verb of this client is removed, not just the one named.
        this.#routes.removeAll(conn);
        return this.#reply(conn, cmd.msgId, { status: 'OK', tokens: [] });
      case 'ping':
        return this.#reply(conn, cmd.msgId, { status: 'OK', tokens: ['pong'] });
      case 'engine':
        return this.#runEngine(conn, cmd.msgId, cmd.command);
    }
  }

  /** §2.3: `OK|<public>|<version>|<local>`, or `NO|incorrect secret` and close. */
  #authenticate(conn: AppClientConnection, msgId: string, secret: string, tags: string[]): void {
    if (!timingSafeEqual(digest(secret), this.#secretDigest)) {
      this.#log.warn({ conn: conn.id }, 'app sent an incorrect secret');
      return this.#refuse(conn, msgId, NO_REASONS.badSecret);
    }
    conn.authenticate(tags);
    this.#reply(conn, msgId, { status: 'OK', tokens: authenticateTokens(this.#identity) });
  }

  /** §2.3, §5 item 2: parse-level failure → `NO|<reason>`, then the connection is closed. */
  #refuse(conn: AppClientConnection, msgId: string, reason: string): void {
    this.#log.warn({ conn: conn.id, reason }, 'app command refused');
    this.#reply(conn, msgId, { status: 'NO', tokens: [reason] });
    conn.close();
  }

  #runEngine(conn: AppClientConnection, msgId: string, command: EngineCommand): void {
    const handler = this.#handler;
    if (!handler) return this.#reply(conn, msgId, nokReply('server not ready'));
    const responder = new Responder(this.#replyTo, conn, msgId);
    try {
      handler.handleCommand(conn, command, responder);
    } catch (err) {
      this.#log.error({ err, conn: conn.id, type: command.type }, 'engine command handler threw');
      this.#reply(conn, msgId, nokReply('internal server error'));
    }
  }

  /** Writes a `response` frame; never after close. A malformed reply becomes `NOK`. */
  #reply(conn: AppClientConnection, rid: string, reply: CommandReply): void {
    let payload: string;
    try {
      payload = responseFrame(newMsgId(), rid, reply.status, reply.tokens, reply.sip);
    } catch (err) {
      this.#unformattable(conn, err);
      this.#replyInternalError(conn, rid);
      return;
    }
    conn.write(payload);
  }

  #replyInternalError(conn: AppClientConnection, rid: string): void {
    if (!conn.open) return;
    try {
      conn.write(responseFrame(newMsgId(), rid, 'NOK', ['internal server error']));
    } catch (err) {
      this.#unformattable(conn, err);
    }
  }

  /** A frame that could not be formatted (a token broke §2.2 rules): logged, nothing written. */
  #unformattable(conn: AppClientConnection, err: unknown): false {
    this.#log.error({ err, conn: conn.id }, 'could not format a frame for the app');
    return false;
  }
}
