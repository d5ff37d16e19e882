/**
 * drachtio-srf for tests: connect an unmodified srf app to an admin port and take it down cleanly.
 * srf's bundled typings (lib/@types/index.d.ts) lack several connect options and the extra
 * `connect` event arguments; they are fixed here once.
 */
import Srf from 'drachtio-srf';
import type { ConnectionOptions } from 'node:tls';
import { nextEvent } from './wait.js';

export { Srf };

/** What drachtio-srf 5.0.29 `connect` accepts (lib/wire-protocol.js, lib/drachtio-agent.js). */
export interface SrfConnectOptions {
  host?: string;
  port: number;
  secret: string;
  tls?: ConnectionOptions;
  /** `maxAttempts: 1` stops srf from reconnecting after the server closes the socket. */
  reconnect?: { maxAttempts?: number; retryMaxDelay?: number; connectTimeout?: number };
  enablePing?: boolean;
  pingInterval?: number;
}

/** The arguments of srf's `connect` event after a successful authenticate (spec §2.4(a)). */
export interface SrfConnected {
  hostport: string;
  serverVersion: string | null;
  localHostports: string | null;
}

type LooseConnect = (opts: SrfConnectOptions) => unknown;

/**
 * Calls `srf.connect` and resolves with the first `connect` event, or rejects with the error srf
 * reports (a bad secret gives "failed to authenticate to server"). Errors srf emits later are
 * pushed into `errors` so an unhandled 'error' event never kills the test process.
 */
export function connectSrf(srf: Srf, opts: SrfConnectOptions, errors: Error[] = []): Promise<SrfConnected> {
  srf.on('error', (err: Error) => errors.push(err));
  const connected = new Promise<SrfConnected>((resolve, reject) => {
    srf.once('connect', (...args: unknown[]) => {
      const [err, hostport, serverVersion, localHostports] = args;
      if (err instanceof Error) return reject(err);
      resolve({
        hostport: typeof hostport === 'string' ? hostport : '',
        serverVersion: typeof serverVersion === 'string' ? serverVersion : null,
        localHostports: typeof localHostports === 'string' ? localHostports : null,
      });
    });
  });
  (srf.connect as unknown as LooseConnect).call(srf, { host: '127.0.0.1', ...opts });
  return connected;
}

/** `srf.disconnect()` and wait until srf reports the socket closed; a no-op if it already is. */
export async function disconnectSrf(srf: Srf, timeoutMs = 5000): Promise<void> {
  try {
    srf.disconnect();
  } catch {
    return; // srf throws when it holds no socket any more (it still stops reconnecting).
  }
  await nextEvent(srf, 'close', { timeoutMs });
}

/** The parts of an srf request/response object the tests read (lib/request.js, lib/response.js). */
export interface SrfSipMessage {
  method?: string;
  status?: number;
  raw?: string;
  get(name: string): string;
  has(name: string): boolean;
}

/** A request srf sent (the server's echo parsed by srf, with the meta srf took from the tokens). */
export interface SrfSentRequest extends SrfSipMessage {
  source: string;
  source_address: string;
  source_port: number;
  protocol: string;
  stackTime: string;
  stackTxnId: string;
  on(event: 'response', listener: (res: SrfSipMessage & { status: number }) => void): void;
}

type LooseRequest = (
  uri: string,
  opts: { method: string; headers?: Record<string, string>; body?: string },
  callback: (err: unknown, req: SrfSentRequest) => void,
) => unknown;

/** `srf.request(uri, opts, callback)` as a promise (srf's typings declare a different shape). */
export function srfRequest(
  srf: Srf,
  uri: string,
  opts: { method: string; headers?: Record<string, string>; body?: string },
): Promise<SrfSentRequest> {
  return new Promise((resolve, reject) => {
    (srf.request as unknown as LooseRequest).call(srf, uri, opts, (err, req) => {
      if (err) reject(err instanceof Error ? err : new Error(`srf request failed: ${JSON.stringify(err)}`));
      else resolve(req);
    });
  });
}
