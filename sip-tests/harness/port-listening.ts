/**
 * Whether something listens on a local port, read from /proc/net (Linux) so that checking never
 * takes the port itself (binding a probe socket could race the program being started). Elsewhere a
 * TCP port is probed by connecting; a UDP port cannot be checked and counts as listening.
 */
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';

export type ListenProtocol = 'udp' | 'tcp';

/** Local ports in a /proc/net/{udp,tcp}[6] table; for TCP only sockets in LISTEN state (0A). */
export function portsInProcTable(text: string, protocol: ListenProtocol): Set<number> {
  const ports = new Set<number>();
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const local = cols[1];
    const state = cols[3];
    if (!local || (protocol === 'tcp' && state !== '0A')) continue;
    const port = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    if (Number.isFinite(port)) ports.add(port);
  }
  return ports;
}

async function readTable(name: string): Promise<string | undefined> {
  try {
    return await readFile(`/proc/net/${name}`, 'utf8');
  } catch {
    return undefined;
  }
}

function tcpAccepts(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** True when a socket of `protocol` is bound (UDP) or listening (TCP) on `port`. */
export async function isListening(
  port: number,
  protocol: ListenProtocol,
  host = '127.0.0.1',
): Promise<boolean> {
  const tables = await Promise.all([readTable(protocol), readTable(`${protocol}6`)]);
  if (tables.every((t) => t === undefined)) return protocol === 'udp' ? true : tcpAccepts(port, host);
  return tables.some((t) => t !== undefined && portsInProcTable(t, protocol).has(port));
}
