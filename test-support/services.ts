/**
 * External services a test needs (the machine's PostgreSQL, NATS). Unreachable service: the test
 * fails under CI=true and is skipped with a one-line reason otherwise (like programs.ts).
 */
import { connect } from 'node:net';

/** True if a TCP connection to host:port opens within `timeoutMs`. */
export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/**
 * Resolves to `{ ok: true }` when the service answers, `{ skip }` when it does not (locally), and
 * throws under CI=true so the test fails instead of silently skipping.
 */
export async function requireService(
  name: string,
  host: string,
  port: number,
): Promise<{ ok: true } | { skip: string }> {
  if (await canConnect(host, port)) return { ok: true };
  const reason = `${name} is not reachable at ${host}:${port}`;
  if (process.env.CI === 'true') throw new Error(`${reason} (required under CI)`);
  return { skip: reason };
}
