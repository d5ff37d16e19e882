/**
 * The step-up series of `bench:inbound`: an unscored warm-up at half the first rate, then each rate
 * in turn; a failed step is retried once (a noisy neighbour on a shared machine), two failures in a
 * row or the time budget end the series. Also summarises `--cpu-prof` profiles of every thread.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileSummary } from './cpu-profile.js';
import { summarizeProfile } from './cpu-profile.js';
import type { InboundStep, InboundStepConfig } from './inbound-steps.js';
import { runInboundStep } from './inbound-steps.js';
import type { InboundWorld } from './inbound-world.js';

export interface InboundSeries {
  warmUp: InboundStep | null;
  /** The highest rate whose step passed (zero failed calls); null when none did. */
  maxRateHeld: number | null;
  atMaxRate: InboundStep | null;
  steps: InboundStep[];
  stoppedBecause: string;
}

function log(s: InboundStep, label = ''): void {
  const state = s.passed ? 'ok  ' : 'FAIL';
  const r = s.routing;
  console.log(
    `${label}${state} ${s.rate}/s × ${s.calls}: routing p50/p99 ${String(r.p50Ms)}/${String(r.p99Ms)} ms, ` +
      `patchbay CPU ${s.patchbay.cpuPercent} % (${s.patchbay.cpuMsPerCall} ms/call) RSS ${s.patchbay.peakRssMb} MB, ` +
      `load ${s.loadAverage1m} ${s.why.join('; ')}`,
  );
}

export async function inboundSeries(
  world: InboundWorld,
  rates: readonly number[],
  cfg: InboundStepConfig,
  budgetMs: number,
): Promise<InboundSeries> {
  const deadline = Date.now() + budgetMs;
  const first = rates[0];
  const warmUp = first === undefined ? null : await runInboundStep(world, Math.ceil(first / 2), cfg);
  if (warmUp) log(warmUp, 'warm-up ');
  const steps: InboundStep[] = [];
  let best: InboundStep | undefined;
  let stoppedBecause = 'all rates passed';
  for (const rate of rates) {
    if (Date.now() + cfg.stepSeconds * 1000 + 30_000 > deadline) {
      stoppedBecause = `time budget (${budgetMs / 1000} s) reached before ${rate} calls/s`;
      break;
    }
    let step = await runInboundStep(world, rate, cfg);
    steps.push(step);
    log(step);
    if (!step.passed) {
      step = await runInboundStep(world, rate, cfg);
      steps.push(step);
      log(step, 'retry ');
    }
    if (!step.passed) {
      stoppedBecause = `${rate} calls/s failed twice: ${step.why.join('; ')}`;
      break;
    }
    best = step;
  }
  return { warmUp, maxRateHeld: best?.rate ?? null, atMaxRate: best ?? null, steps, stoppedBecause };
}

/** Every thread's profile in `dir` (main thread, engine worker, tsx loader), busiest first. */
export function profileSummaries(dir: string, root: string): ProfileSummary[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.cpuprofile'))
    .map((n) => summarizeProfile(join(dir, n), root, 15))
    .filter((p) => p.idlePercent < 100)
    .sort((a, b) => a.idlePercent - b.idlePercent);
}
