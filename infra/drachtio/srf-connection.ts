/**
 * The only place patchbay imports drachtio-srf. Connects one Srf instance to one or more drachtio
 * servers (the embedded sip-engine or real drachtio-servers) and narrows its loose typings.
 */
import SrfClass from 'drachtio-srf';

export type SrfRequest = SrfClass.SrfRequest;
export type SrfResponse = SrfClass.SrfResponse;
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

/**
 * Connects to every target and resolves once all have authenticated. Rejects (after disconnecting)
 * if any target fails or `timeoutMs` passes.
 */
export async function connectSrf(targets: DrachtioTarget[], timeoutMs = 10000): Promise<Srf> {
  if (targets.length === 0) throw new DrachtioConnectError('no drachtio server configured');
  const srf = new SrfClass() as Srf;
  let connected = 0;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new DrachtioConnectError(`drachtio connect timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    srf.on('connect', (err: Error | undefined) => {
      if (err) {
        clearTimeout(timer);
        reject(new DrachtioConnectError(`drachtio authentication failed: ${err.message}`, { cause: err }));
        return;
      }
      connected++;
      if (connected === targets.length) {
        clearTimeout(timer);
        resolve();
      }
    });
    srf.on('error', (err: Error) => {
      if (connected < targets.length) {
        clearTimeout(timer);
        reject(new DrachtioConnectError(`drachtio connection error: ${err.message}`, { cause: err }));
      }
    });
  });
  for (const t of targets) {
    const opts: Record<string, unknown> = { host: t.host, port: t.port, secret: t.secret };
    if (t.tags?.length) opts.tags = t.tags;
    void srf.connect(opts);
  }
  try {
    await done;
  } catch (err) {
    srf.disconnect();
    throw err;
  }
  return srf;
}
