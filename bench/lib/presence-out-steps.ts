/**
 * The steps of `bench:presence-out`: the watchers of the one queue grow level by level; at each
 * level, (1) fan-out: one queue.state change → time until every watcher's NOTIFY is answered,
 * (2) sustained: changes every 20 ms for a while, with the notifier's min-interval at 0, so every
 * watcher always has a NOTIFY in flight (RFC 6665 allows one at a time) — the NOTIFYs answered per
 * second are what the chain sustains, (3) memory per subscription once the engines are quiet.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { waitFor } from '../../test-support/wait.js';
import type { LatencySummary } from './measure.js';
import { mb, summarize } from './measure.js';
import { RESOURCE } from './presence-out-world.js';
import type { PresenceOutWorld } from './presence-out-world.js';

export interface FanOut {
  /** queue.state published → last of the NOTIFYs answered. */
  allAnsweredMs: number | null;
  delivered: number;
  notDelivered: number;
  /** queue.state published → each NOTIFY answered. */
  answered: LatencySummary;
}

export interface Sustained {
  seconds: number;
  changes: number;
  notifiesAnswered: number;
  notifiesPerSecond: number;
  notDelivered: number;
  cpuPercent: { patchbayApp: number; patchbayEngine: number; watchers: number };
}

export interface MemorySample {
  appHeapUsed: number;
  appRss: number;
  engineHeapPlusExternal: number;
  engineRss: number;
}

export interface PresenceOutLevel {
  watchers: number;
  passed: boolean;
  why: string[];
  subscribeSeconds: number;
  refused: Record<string, number>;
  fanOuts: FanOut[];
  sustained: Sustained;
  bytesPerSubscription: {
    heap: number;
    appHeap: number;
    engineHeapPlusExternal: number;
    rss: number;
    appRss: number;
    engineRss: number;
  };
  memoryMb: { appHeap: number; appRss: number; engineHeapPlusExternal: number; engineRss: number };
  engineTransactionsAtSample: number;
  loadAverage1m: number;
}

const round = (n: number): number => Number(n.toFixed(2));

/** Memory after two GCs in both of patchbay's processes, once the engine holds no transactions. */
export async function sampleMemory(
  world: PresenceOutWorld,
): Promise<MemorySample & { transactions: number }> {
  const transactions = async (): Promise<number> => {
    const t = (await world.engine.stats()).transactions;
    return t.client + t.server;
  };
  // RFC 3261 Timer J keeps SUBSCRIBE server transactions 64·T1 = 32 s after the answer.
  await waitFor(async () => (await transactions()) === 0, { timeoutMs: 70_000, intervalMs: 500 }).catch(
    () => undefined,
  );
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const app = process.memoryUsage();
  const engine = await world.engine.memory(true);
  return {
    appHeapUsed: app.heapUsed,
    appRss: app.rss,
    engineHeapPlusExternal: engine.heapUsed + engine.external,
    engineRss: engine.rss,
    transactions: await transactions(),
  };
}

async function grow(world: PresenceOutWorld, from: number, to: number, rampRate: number) {
  const procs = world.watchers.length;
  const per = Math.ceil((to - from) / procs);
  const started = performance.now();
  const reports = await Promise.all(
    world.watchers.map((w, i) => {
      const first = from + i * per;
      const count = Math.max(0, Math.min(per, to - first));
      return w.ask({ op: 'subscribe', first, count, rate: rampRate / procs, ...world.target }, 'subscribed');
    }),
  );
  const refused: Record<string, number> = {};
  for (const r of reports)
    for (const [status, n] of Object.entries(r.refused)) refused[status] = (refused[status] ?? 0) + n;
  await world.presence.notifier.idle();
  return { seconds: round((performance.now() - started) / 1000), refused };
}

async function fanOut(world: PresenceOutWorld, depth: number, timeoutMs: number): Promise<FanOut> {
  await world.presence.notifier.idle();
  const n = world.presence.notifier.countFor(RESOURCE);
  world.tally.reset();
  const t0 = performance.now();
  await world.change(depth);
  const all = await waitFor(() => world.tally.answered >= n, { timeoutMs, intervalMs: 5 }).then(
    () => true,
    () => false,
  );
  const lat = world.tally.answeredAt.map((at) => round(at - t0));
  return {
    allAnsweredMs: all ? round(Math.max(...lat)) : null,
    delivered: world.tally.delivered,
    notDelivered: n - world.tally.delivered,
    answered: summarize(lat),
  };
}

async function cpuNow(world: PresenceOutWorld): Promise<{ app: number; engine: number; watchers: number }> {
  const c = process.cpuUsage();
  const e = await world.engine.memory(false);
  const w = await Promise.all(world.watchers.map((x) => x.ask({ op: 'usage' }, 'usage')));
  return { app: (c.user + c.system) / 1000, engine: e.cpuMs, watchers: w.reduce((s, x) => s + x.cpuMs, 0) };
}

async function sustain(world: PresenceOutWorld, depth: number, seconds: number): Promise<Sustained> {
  await world.presence.notifier.idle();
  world.tally.reset();
  const c0 = await cpuNow(world);
  const t0 = performance.now();
  let changes = 0;
  const timer = setInterval(() => void world.change(depth + ++changes), 20);
  await new Promise((r) => setTimeout(r, seconds * 1000)); // the measuring window itself, not a sync
  clearInterval(timer);
  const wallMs = performance.now() - t0;
  const c1 = await cpuNow(world);
  const answered = world.tally.answeredAt.filter((at) => at - t0 <= seconds * 1000).length;
  const notDelivered = world.tally.failed + world.tally.gone;
  await world.presence.notifier.idle();
  const pct = (a: number, b: number): number => Math.round((100 * (b - a)) / wallMs);
  return {
    seconds,
    changes,
    notifiesAnswered: answered,
    notifiesPerSecond: Math.round(answered / seconds),
    notDelivered,
    cpuPercent: {
      patchbayApp: pct(c0.app, c1.app),
      patchbayEngine: pct(c0.engine, c1.engine),
      watchers: pct(c0.watchers, c1.watchers),
    },
  };
}

export interface LevelOptions {
  rampRate: number;
  fanOuts: number;
  sustainS: number;
}

export async function runLevel(
  world: PresenceOutWorld,
  baseline: MemorySample,
  from: number,
  to: number,
  o: LevelOptions,
): Promise<PresenceOutLevel> {
  const g = await grow(world, from, to, o.rampRate);
  const watchers = world.presence.notifier.countFor(RESOURCE);
  const fanOuts: FanOut[] = [];
  for (let i = 0; i < o.fanOuts; i++) fanOuts.push(await fanOut(world, to + i, 60_000 + watchers * 5));
  const sustained = await sustain(world, to * 10, o.sustainS);
  const m = await sampleMemory(world);
  const per = (a: number, b: number): number => Math.round((a - b) / Math.max(1, watchers));
  const why: string[] = [];
  if (watchers !== to)
    why.push(`${watchers}/${to} subscriptions active (refused: ${JSON.stringify(g.refused)})`);
  const lost = fanOuts.reduce((s, f) => s + f.notDelivered, 0);
  if (lost > 0) why.push(`${lost} fan-out NOTIFYs not answered 2xx`);
  const appHeap = per(m.appHeapUsed, baseline.appHeapUsed);
  const engineHeap = per(m.engineHeapPlusExternal, baseline.engineHeapPlusExternal);
  return {
    watchers,
    passed: why.length === 0,
    why,
    subscribeSeconds: g.seconds,
    refused: g.refused,
    fanOuts,
    sustained,
    bytesPerSubscription: {
      heap: appHeap + engineHeap,
      appHeap,
      engineHeapPlusExternal: engineHeap,
      rss: per(m.appRss + m.engineRss, baseline.appRss + baseline.engineRss),
      appRss: per(m.appRss, baseline.appRss),
      engineRss: per(m.engineRss, baseline.engineRss),
    },
    memoryMb: {
      appHeap: mb(m.appHeapUsed),
      appRss: mb(m.appRss),
      engineHeapPlusExternal: mb(m.engineHeapPlusExternal),
      engineRss: mb(m.engineRss),
    },
    engineTransactionsAtSample: m.transactions,
    loadAverage1m: round(loadavg()[0] ?? 0),
  };
}
