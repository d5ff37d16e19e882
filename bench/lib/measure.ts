/** Small measurement helpers for the engine benchmark: percentiles, machine facts, RSS sampling. */
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import type { EngineProcess } from '../../test-support/engine-process.js';

/** Nearest-rank percentile (p in 0–100) of unsorted values; undefined for an empty list. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export interface LatencySummary {
  samples: number;
  p50Ms: number | undefined;
  p90Ms: number | undefined;
  p99Ms: number | undefined;
  maxMs: number | undefined;
}

export function summarize(values: readonly number[] | undefined): LatencySummary {
  const v = values ?? [];
  return {
    samples: v.length,
    p50Ms: percentile(v, 50),
    p90Ms: percentile(v, 90),
    p99Ms: percentile(v, 99),
    maxMs: percentile(v, 100),
  };
}

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  totalMemMb: number;
  freeMemMb: number;
  loadAverage1m: number;
  node: string;
  os: string;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    cores: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    totalMemMb: Math.round(totalmem() / 1048576),
    freeMemMb: Math.round(freemem() / 1048576),
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
    node: process.version,
    os: `${process.platform} ${release()}`,
  };
}

export const mb = (bytes: number): number => Number((bytes / 1048576).toFixed(1));

export interface EngineSamples {
  peakRss: number;
  /** Longest single GC pause in the engine process while sampling. */
  maxGcPauseMs: number;
}

/** Samples the engine's RSS and GC pauses every `everyMs` until stopped; returns the peaks seen. */
export function sampleRss(engine: EngineProcess, everyMs = 1000): { stop(): Promise<EngineSamples> } {
  let peak = 0;
  let pause = 0;
  let busy: Promise<void> = Promise.resolve();
  const tick = (): void => {
    busy = engine.memory(false).then(
      (m) => {
        peak = Math.max(peak, m.rss);
        pause = Math.max(pause, m.gcMaxPauseMs);
      },
      () => undefined,
    );
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await busy;
      return { peakRss: peak, maxGcPauseMs: pause };
    },
  };
}
