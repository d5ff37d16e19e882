/**
 * Kernel UDP receive drops (Linux): the per-socket `drops` column of /proc/net/udp{,6} and the
 * machine-wide RcvbufErrors of /proc/net/snmp. A socket whose process is not scheduled in time
 * overflows its receive buffer and the kernel discards datagrams; SIPp then retransmits.
 */
import { readFileSync } from 'node:fs';

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Drops so far for each local UDP port that has an open socket (summed over sockets on it). */
export function udpDropsByPort(): Map<number, number> {
  const out = new Map<number, number>();
  for (const text of [readOr('/proc/net/udp'), readOr('/proc/net/udp6')]) {
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const port = parseInt(f[1]?.split(':')[1] ?? '', 16);
      const drops = Number(f[12]);
      if (Number.isFinite(port) && Number.isFinite(drops)) out.set(port, (out.get(port) ?? 0) + drops);
    }
  }
  return out;
}

/** Machine-wide UDP datagrams dropped for a full receive buffer since boot (undefined off Linux). */
export function udpRcvbufErrors(): number | undefined {
  const lines = readOr('/proc/net/snmp')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const v = Number(values[names.indexOf('RcvbufErrors')]);
  return Number.isFinite(v) ? v : undefined;
}

/** Watches the drop counters of some ports during a step (sockets may close before it ends). */
export function watchUdpDrops(
  ports: () => readonly number[],
  everyMs = 500,
): { stop(): Record<string, number> } {
  const start = new Map<number, number>();
  const peak = new Map<number, number>();
  const machine0 = udpRcvbufErrors();
  const sample = (): void => {
    const now = udpDropsByPort();
    for (const p of ports()) {
      const v = now.get(p);
      if (v === undefined) continue;
      if (!start.has(p)) start.set(p, v);
      peak.set(p, Math.max(peak.get(p) ?? 0, v - (start.get(p) ?? v)));
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      const out: Record<string, number> = {};
      for (const [p, v] of peak) out[String(p)] = v;
      const machine1 = udpRcvbufErrors();
      if (machine0 !== undefined && machine1 !== undefined) out.machine = machine1 - machine0;
      return out;
    },
  };
}
