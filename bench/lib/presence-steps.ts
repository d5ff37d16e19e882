/**
 * One step of `bench:presence-in`: the presence server sends one NOTIFY per watched presentity
 * (flipping open ↔ closed/away, so every one changes availability) at `rate` per second; the step
 * ends when every agent's `agent.state.<id>` event was seen or a deadline passed. It passes when
 * every NOTIFY got a 2xx, every agent got its event, and the chain kept up with the offered rate.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { waitFor } from '../../test-support/wait.js';
import type { LatencySummary } from './measure.js';
import { mb, summarize } from './measure.js';
import type { PresenceWorld } from './presence-world.js';

export interface PresenceStep {
  offeredRate: number;
  notifies: number;
  passed: boolean;
  why: string[];
  failedNotifies: number;
  eventsSeen: number;
  /** Events / (last event − first NOTIFY sent), one clock: what the whole chain sustained. */
  processedPerSecond: number;
  /** NOTIFY accepted by patchbay's watcher → `agent.state.<id>` on the bus. */
  receivedToEvent: LatencySummary;
  /** NOTIFY handed to srf by the presence server → the same event (two engines and the wire included). */
  sentToEvent: LatencySummary;
  cpuPercent: { watcherProcess: number; engine: number; presenceServer: number };
  rssMb: { watcherProcess: number; engine: number; presenceServer: number };
  loadAverage1m: number;
  wallSeconds: number;
}

const round = (n: number): number => Number(n.toFixed(2));

async function usage(
  world: PresenceWorld,
): Promise<{ app: number; engine: number; server: number; engineRss: number; serverRss: number }> {
  const c = process.cpuUsage();
  const e = await world.engine.memory(false);
  const s = await world.ask({ op: 'usage', id: 0 }, 'usage');
  return {
    app: (c.user + c.system) / 1000,
    engine: e.cpuMs,
    server: s.cpuMs,
    engineRss: e.rss,
    serverRss: s.rssMb,
  };
}

export async function runPresenceStep(
  world: PresenceWorld,
  rate: number,
  basic: 'open' | 'closed',
): Promise<PresenceStep> {
  const m = world.marks;
  m.accepted.clear();
  m.event.clear();
  m.unmatchedEvents = 0;
  const u0 = await usage(world);
  const t0 = performance.now();
  const done = await world.ask({ op: 'burst', id: 0, rate, basic }, 'burst-done');
  const deadlineMs = 30_000 + (world.agents / rate) * 1000;
  const all = await waitFor(() => m.event.size >= world.agents, {
    timeoutMs: deadlineMs,
    intervalMs: 20,
  }).then(
    () => true,
    () => false,
  );
  const wallMs = performance.now() - t0;
  const u1 = await usage(world);
  const received: number[] = [];
  const sent: number[] = [];
  let lastEvent = 0;
  for (const [id, at] of m.event) {
    lastEvent = Math.max(lastEvent, at);
    const acc = m.accepted.get(id);
    if (acc !== undefined) received.push(at - acc);
    const s = done.sentAt[world.uriOf(id)];
    if (s !== undefined) sent.push(performance.timeOrigin + at - s);
  }
  const firstSent = Math.min(...Object.values(done.sentAt)) - performance.timeOrigin;
  const processedPerSecond = m.event.size / Math.max(0.001, (lastEvent - firstSent) / 1000);
  const why: string[] = [];
  if (done.failed > 0) why.push(`${done.failed} NOTIFYs without a 2xx`);
  if (!all)
    why.push(`${m.event.size}/${world.agents} availability events within ${Math.round(deadlineMs / 1000)} s`);
  if (processedPerSecond < rate * 0.9)
    why.push(`processed ${Math.round(processedPerSecond)}/s, offered ${rate}/s`);
  return {
    offeredRate: rate,
    notifies: done.sent,
    passed: why.length === 0,
    why,
    failedNotifies: done.failed,
    eventsSeen: m.event.size,
    processedPerSecond: Math.round(processedPerSecond),
    receivedToEvent: summarize(received.map(round)),
    sentToEvent: summarize(sent.map(round)),
    cpuPercent: {
      watcherProcess: Math.round((100 * (u1.app - u0.app)) / wallMs),
      engine: Math.round((100 * (u1.engine - u0.engine)) / wallMs),
      presenceServer: Math.round((100 * (u1.server - u0.server)) / wallMs),
    },
    rssMb: {
      watcherProcess: mb(process.memoryUsage().rss),
      engine: mb(u1.engineRss),
      presenceServer: round(u1.serverRss),
    },
    loadAverage1m: round(loadavg()[0] ?? 0),
    wallSeconds: round(wallMs / 1000),
  };
}

export interface PresenceSeries {
  agents: number;
  setupSeconds: { seed: number; subscribe: number };
  maxRateHeld: number | null;
  atMaxRate: PresenceStep | null;
  steps: PresenceStep[];
  stoppedBecause: string;
}

/** Steps through `rates`; a failed step is retried once, two failures in a row end the series. */
export async function stepPresence(
  world: PresenceWorld,
  rates: readonly number[],
  budgetMs: number,
): Promise<PresenceSeries> {
  const deadline = Date.now() + budgetMs;
  const steps: PresenceStep[] = [];
  let flip: 'open' | 'closed' = 'open';
  const run = async (rate: number): Promise<PresenceStep> => {
    const s = await runPresenceStep(world, rate, flip);
    flip = flip === 'open' ? 'closed' : 'open';
    steps.push(s);
    const r = s.receivedToEvent;
    console.log(
      `[${world.agents} agents] ${s.passed ? 'ok  ' : 'FAIL'} ${rate}/s offered: ${s.processedPerSecond}/s processed, received→event p50/p99 ${String(r.p50Ms)}/${String(r.p99Ms)} ms, load ${s.loadAverage1m} ${s.why.join('; ')}`,
    );
    return s;
  };
  let best: PresenceStep | undefined;
  let stoppedBecause = 'all rates passed';
  for (const rate of rates) {
    if (Date.now() + (world.agents / rate) * 1000 + 30_000 > deadline) {
      stoppedBecause = `time budget reached before ${rate}/s`;
      break;
    }
    let s = await run(rate);
    if (!s.passed) s = await run(rate);
    if (!s.passed) {
      stoppedBecause = `${rate}/s failed twice: ${s.why.join('; ')}`;
      break;
    }
    best = s;
  }
  return {
    agents: world.agents,
    setupSeconds: world.setupSeconds,
    maxRateHeld: best?.offeredRate ?? null,
    atMaxRate: best ?? null,
    steps,
    stoppedBecause,
  };
}
