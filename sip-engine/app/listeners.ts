/**
 * The admin listeners of the app server (TCP, and TLS when configured): bind one and learn its
 * real port, close them all. Errors after the bind are logged, never thrown.
 */
import type { AddressInfo, Server } from 'node:net';
import type { AppServerLogger } from './app-server-options.js';

/** Binds `server` on address:port (0 = the OS picks) and resolves with the bound port. */
export function listenOn(
  server: Server,
  address: string,
  port: number,
  maxConnections: number,
  log: AppServerLogger,
): Promise<number> {
  server.maxConnections = maxConnections;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      server.on('error', (err) => log.error({ err }, 'app listener error'));
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops every server from accepting; resolves when all are closed. */
export async function closeServers(servers: readonly Server[]): Promise<void> {
  await Promise.all(
    servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))),
  );
}
