/** Options, logger shape, defaults and errors of the AppServer (app-server.ts). */
import type { Clock } from '../util/clock.js';

/** The subset of a pino logger the server uses. */
export interface AppServerLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AppServerOptions {
  address: string;
  /** 0 lets the OS pick; `port` reports the real one after start(). */
  port: number;
  secret: string;
  /** §2.1: optional TLS admin listener (drachtio's `tls-port`); port 0 lets the OS pick. */
  tls?: { key: string | Buffer; cert: string | Buffer; port: number };
  clock?: Clock;
  logger?: AppServerLogger;
  /** Largest accepted app frame payload (default 1 MiB). */
  maxFrameBytes?: number;
  /** Unread output after which an app is dropped (default 16 MiB). */
  maxPendingWriteBytes?: number;
  /** Time an app has to authenticate (default 10 s). */
  authTimeoutMs?: number;
  /** How long a closing socket may linger before it is destroyed (default 2 s). */
  closeGraceMs?: number;
  /** TCP keepalive initial delay (default 30 s). */
  keepAliveMs?: number;
  /** Most simultaneous app connections (default 1000). */
  maxConnections?: number;
}

/** Until setIdentity is called. srf starts pinging only for servers at v0.8.2 or later (§2.1). */
export const DEFAULT_IDENTITY = { publicHostports: '', version: 'v0.9.10-patchbay', localHostports: '' };

export class AppServerError extends Error {
  override readonly name = 'AppServerError';
  readonly code: 'start-failed' | 'illegal-transition';

  constructor(code: AppServerError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const noop = (): void => undefined;

/** The logger used when none is given. */
export const silentLogger: AppServerLogger = { debug: noop, info: noop, warn: noop, error: noop };
