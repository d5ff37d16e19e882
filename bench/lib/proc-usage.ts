/**
 * CPU time and RSS of other processes (Linux /proc/<pid>/stat and status), sampled while they run:
 * a process that exits keeps the figures of its last sample (at most `everyMs` short).
 */
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ = 100 on Linux

export interface ProcFigures {
  cpuMs: number;
  peakRssMb: number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** utime + stime of `pid` so far, ms (undefined once it is gone). */
export function procCpuMs(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

/** Resident set size of `pid`, MB (undefined once it is gone). */
export function procRssMb(pid: number): number | undefined {
  const kb = /VmRSS:\s+(\d+)/.exec(read(`/proc/${pid}/status`) ?? '')?.[1];
  return kb === undefined ? undefined : Number((Number(kb) / 1024).toFixed(1));
}

/** Samples the processes `pids()` names until stopped; CPU is counted from each one's first sample. */
export function sampleProcs(
  pids: () => readonly number[],
  everyMs = 500,
): { stop(): Map<number, ProcFigures> } {
  const first = new Map<number, number>();
  const out = new Map<number, ProcFigures>();
  const tick = (): void => {
    for (const pid of pids()) {
      const cpu = procCpuMs(pid);
      const rss = procRssMb(pid);
      if (cpu === undefined || rss === undefined) continue;
      if (!first.has(pid)) first.set(pid, cpu);
      const prev = out.get(pid);
      out.set(pid, {
        cpuMs: cpu - (first.get(pid) ?? cpu),
        peakRssMb: Math.max(prev?.peakRssMb ?? 0, rss),
      });
    }
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      tick();
      return out;
    },
  };
}
