/**
 * The only place patchbay imports drachtio-srf. Connects one Srf instance to one or more drachtio
 * servers (the embedded sip-engine or real drachtio-servers) and narrows its loose typings.
 */
import { createConnection } from 'node:net';
import SrfClass from 'drachtio-srf';

export type SrfRequest = SrfClass.SrfRequest;
export type SrfResponse = SrfClass.SrfResponse;
export type SrfDialog = SrfClass.Dialog;
export type SrfHandler = (req: SrfRequest, res: SrfResponse) => void;

/**
 * drachtio-srf 5.0.29's shipped index.d.ts omits the per-method handler registrations that srf.js
 * defines (srf.options, srf.register, ...); this is the one place that fixes it.
 */
export type Srf = SrfClass & {
  options(handler: SrfHandler): void;
  register(handler: SrfHandler): void;
  subscribe(handler: SrfHandler): void;
  publish(handler: SrfHandler): void;
  message(handler: SrfHandler): void;
  info(handler: SrfHandler): void;
  notify(handler: SrfHandler): void;
  refer(handler: SrfHandler): void;
};

/**
 * True once drachtio-srf has ended the dialog (BYE received or sent). srf 5.0.29 keeps this in the
 * untyped `connected` field, and it emits `destroy` only once, then drops every listener: a dialog
 * whose BYE was read in the same socket read as its creation has already ended by the time an
 * awaited `createUAS`/`createUAC` resumes, so listeners attached then would never fire.
 */
export function isDialogEnded(dialog: SrfDialog): boolean {
  return (dialog as unknown as { connected?: unknown }).connected === false;
}

export interface DrachtioTarget {
  host: string;
  port: number;
  secret: string;
  tags?: string[];
}

export class DrachtioConnectError extends Error {
  override readonly name = 'DrachtioConnectError';
  readonly code = 'drachtio-connect-failed';
}

/** Resolves if a TCP connection to host:port opens within `timeoutMs`, else rejects. */
function probeTcp(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve();
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * Connects one Srf to one drachtio server and resolves once it has authenticated. One Srf per
 * server: drachtio-srf 5.0.29 keeps a single connection object per Srf (a second `connect()` replaces
 * it), so several servers mean several Srf instances with the same handlers.
 *
 * An unreachable server is detected by a TCP probe first, because drachtio-srf retries a refused
 * first connection forever and its `disconnect()` asserts when it holds no socket.
 */
export async function connectSrf(target: DrachtioTarget, timeoutMs = 10000): Promise<Srf> {
  const where = `${target.host}:${target.port}`;
  try {
    await probeTcp(target.host, target.port, timeoutMs);
  } catch (err) {
    throw new DrachtioConnectError(`drachtio server ${where} unreachable: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const srf = new SrfClass() as Srf;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new DrachtioConnectError(`drachtio server ${where}: no authentication within ${timeoutMs} ms`));
    }, timeoutMs);
    srf.on('connect', (err: Error | undefined) => {
      clearTimeout(timer);
      if (err) reject(new DrachtioConnectError(`drachtio server ${where}: ${err.message}`, { cause: err }));
      else resolve();
    });
    srf.on('error', (err: Error) => {
      clearTimeout(timer);
      reject(new DrachtioConnectError(`drachtio server ${where}: ${err.message}`, { cause: err }));
    });
  });
  const opts: Record<string, unknown> = { host: target.host, port: target.port, secret: target.secret };
  if (target.tags?.length) opts.tags = target.tags;
  void srf.connect(opts);
  try {
    await done;
  } catch (err) {
    try {
      srf.disconnect();
    } catch {
      /* drachtio-srf asserts when its socket is already gone */
    }
    throw err;
  }
  return srf;
}
