/**
 * One step of `bench:inbound`: the agents' device SIPps answer (180, ring, 200), one SIPp UAC
 * places rate × stepSeconds calls to the entry number at `rate` calls/s (INVITE → 180 → 200 → ACK
 * → talk → BYE), and once every agent is `ready` again the step is judged. It passes when every
 * call succeeded, no SIPp counted a failed call, retransmissions stayed under 1 % of the calls (no
 * storm), SIPp placed the calls on time, patchbay saw each call arrive and end `completed`, and
 * every agent ready before the step is ready again after it (agents left stuck by an earlier step
 * are reported, not held against later steps).
 */
import { loadavg } from 'node:os';
import { waitFor } from '../../test-support/wait.js';
import { freePort } from '../../test-support/ports.js';
import type { LatencySummary } from './measure.js';
import { summarize } from './measure.js';
import type { CallMarks } from './inbound-marks.js';
import type { PatchbayReport, ThreadCpu } from './inbound-patchbay.js';
import type { InboundWorld } from './inbound-world.js';
import { ENTRY_NUMBER } from './inbound-world.js';
import { sampleProcs } from './proc-usage.js';
import type { SippResult } from './sipp.js';
import { startSipp } from './sipp.js';
import { watchUdpDrops } from './udp-drops.js';
import { waitForUdpListener } from './worlds.js';

export interface InboundStepConfig {
  sipp: string;
  uacScenario: string;
  uasScenario: string;
  stepSeconds: number;
  ringMs: number;
  talkMs: number;
}

export interface ProcessUse {
  cpuPercent: number;
  peakRssMb: number;
}

export interface InboundStep {
  rate: number;
  calls: number;
  passed: boolean;
  why: string[];
  caller: { successful: number; failed: number; retransmissions: number; placedSeconds?: number };
  devices: { successful: number; failed: number; retransmissions: number };
  /** Inside patchbay: call.arrived → first call.offered (bench/lib/inbound-marks.ts). */
  routing: LatencySummary;
  patchbayCalls: Omit<CallMarks, 'arrivedToOfferedMs'>;
  /** SIPp's INVITE → 200 at the caller (includes the agent's ring time), 1 ms resolution. */
  callerInviteTo200: LatencySummary;
  patchbay: ProcessUse & {
    cpuMsPerCall: number;
    threads: { mainPercent: number; busiestOtherPercent: number; allOthersPercent: number };
  };
  sippCaller: ProcessUse;
  sippDevices: ProcessUse;
  udpDrops: Record<string, number>;
  /** Agents not ready when the step began (left by earlier steps), and those this step left. */
  agentsNotReadyBefore: number;
  agentsLeftNotReady: string[];
  loadAverage1m: number;
  wallSeconds: number;
}

type Usage = Extract<PatchbayReport, { kind: 'usage' }>;
const round = (n: number, d = 1): number => Number(n.toFixed(d));

/**
 * Thread CPU over the step: the main thread (router app, PGlite, HTTP), the busiest other thread
 * (Node does not name threads on Linux; with the engine on its worker thread that is the engine),
 * and all other threads together (engine worker, libuv pool, V8 GC helpers).
 */
function threadShares(a: Usage, b: Usage, wallMs: number): InboundStep['patchbay']['threads'] {
  const before = new Map<number, ThreadCpu>(a.threads.map((t) => [t.tid, t]));
  const pct = (t: ThreadCpu): number => (100 * (t.cpuMs - (before.get(t.tid)?.cpuMs ?? 0))) / wallMs;
  const [main, ...others] = b.threads;
  const shares = others.map(pct).sort((x, y) => y - x);
  return {
    mainPercent: round(main ? pct(main) : 0),
    busiestOtherPercent: round(shares[0] ?? 0),
    allOthersPercent: round(shares.reduce((s, x) => s + x, 0)),
  };
}

interface Observed {
  uac: SippResult;
  uas: SippResult[];
  usage: [Usage, Usage];
  peakRssMb: number;
  procs: { uac: ProcessUse; uas: ProcessUse };
  drops: Record<string, number>;
  marks: CallMarks;
  /** Agents this step left not ready (`<id>: <state>`), and how many were not ready before it. */
  stuck: string[];
  stuckBefore: number;
  wallMs: number;
}

async function startDevices(world: InboundWorld, cfg: InboundStepConfig) {
  const runs = world.devicePorts.map((port) =>
    startSipp({
      sipp: cfg.sipp,
      scenario: cfg.uasScenario,
      localPort: port,
      pauseMs: cfg.ringMs,
      killAfterMs: 900_000,
    }),
  );
  for (const port of world.devicePorts) await waitForUdpListener(port);
  return runs;
}

/** Peak RSS of patchbay, asked every second. */
function samplePatchbayRss(world: InboundWorld): { stop(): Promise<number> } {
  let peak = 0;
  let busy: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    busy = world.patchbay.ask({ op: 'usage' }, 'usage').then((u) => (peak = Math.max(peak, u.rssMb)));
  }, 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      await busy;
      return peak;
    },
  };
}

/**
 * Every agent back to `ready` (wrap-up 0): nothing stuck reserved or on a call. Waits on the queue
 * view first (cheap), then asks every agent's state once; returns the agents not ready.
 */
async function settle(world: InboundWorld): Promise<string[]> {
  const all = world.agentIds.length;
  await waitFor(
    async () => {
      const live = await world.queueLive();
      return live?.availableAgents === all && live.depth === 0 ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250, what: 'every agent available again' },
  ).catch(() => undefined);
  return world.notReady();
}

function use(figs: { cpuMs: number; peakRssMb: number }[], wallMs: number): ProcessUse {
  const cpu = figs.reduce((s, f) => s + f.cpuMs, 0);
  return {
    cpuPercent: round((100 * cpu) / wallMs),
    peakRssMb: round(figs.reduce((s, f) => s + f.peakRssMb, 0)),
  };
}

async function observe(world: InboundWorld, rate: number, calls: number, cfg: InboundStepConfig) {
  const stuckBefore = new Set(await world.notReady());
  const devices = await startDevices(world, cfg);
  const uacPort = await freePort();
  const sipPort = Number(world.sipTarget.split(':')[1]);
  const drops = watchUdpDrops(() => [sipPort, uacPort, ...world.devicePorts]);
  const u0 = await world.patchbay.ask({ op: 'usage' }, 'usage');
  const rss = samplePatchbayRss(world);
  const started = performance.now();
  const uacRun = startSipp({
    sipp: cfg.sipp,
    scenario: cfg.uacScenario,
    remote: world.sipTarget,
    localPort: uacPort,
    service: ENTRY_NUMBER,
    rate,
    maxCalls: calls,
    limit: Math.max(1000, rate * 4),
    pauseMs: cfg.talkMs,
    killAfterMs: cfg.stepSeconds * 1000 + 60_000,
  });
  const devicePids = devices.flatMap((d) => (d.pid === undefined ? [] : [d.pid]));
  const procs = sampleProcs(() => [...(uacRun.pid === undefined ? [] : [uacRun.pid]), ...devicePids]);
  const uac = await uacRun.done;
  const wallMs = performance.now() - started;
  const figs = procs.stop();
  const u1 = await world.patchbay.ask({ op: 'usage' }, 'usage');
  const stuck = (await settle(world)).filter((a) => !stuckBefore.has(a));
  const uas = await Promise.all(devices.map((d) => d.stop(3000)));
  const marks = (await world.patchbay.ask({ op: 'marks' }, 'marks')).marks;
  const pick = (pids: number[]) =>
    pids.flatMap((p) => (figs.has(p) ? [figs.get(p) ?? { cpuMs: 0, peakRssMb: 0 }] : []));
  return {
    uac,
    uas,
    usage: [u0, u1],
    peakRssMb: Math.max(await rss.stop(), u1.rssMb),
    procs: {
      uac: use(pick(uacRun.pid === undefined ? [] : [uacRun.pid]), wallMs),
      uas: use(pick(devicePids), wallMs),
    },
    drops: drops.stop(),
    marks,
    stuck,
    stuckBefore: stuckBefore.size,
    wallMs,
  } satisfies Observed;
}

function verdict(calls: number, rate: number, o: Observed): string[] {
  const why: string[] = [];
  const s = o.uac.stats;
  if (!s)
    return [`caller SIPp wrote no statistics (exit ${String(o.uac.exitCode)}): ${o.uac.stderr.slice(-300)}`];
  if (s.successfulCalls !== calls) why.push(`${s.successfulCalls}/${calls} calls succeeded`);
  if (s.failedCalls > 0) why.push(`${s.failedCalls} failed calls at the caller`);
  const devFailed = o.uas.reduce((n, r) => n + (r.stats?.failedCalls ?? 0), 0);
  if (devFailed > 0) why.push(`${devFailed} failed calls at the agents' devices`);
  const retrans = s.retransmissions + o.uas.reduce((n, r) => n + (r.stats?.retransmissions ?? 0), 0);
  if (retrans > calls / 100) why.push(`retransmission storm: ${retrans} retransmissions for ${calls} calls`);
  const allowed = calls / rate + 1.5;
  if (o.uac.placedSeconds === undefined || o.uac.placedSeconds > allowed)
    why.push(`SIPp needed ${String(o.uac.placedSeconds)} s to place calls meant for ${calls / rate} s`);
  if (o.marks.arrived !== calls) why.push(`patchbay saw ${o.marks.arrived}/${calls} calls arrive`);
  const completed = o.marks.endedByOutcome.completed ?? 0;
  if (completed !== calls) why.push(`${completed}/${calls} calls ended completed in patchbay`);
  if (o.stuck.length > 0)
    why.push(`${o.stuck.length} more agents not ready after the step (${o.stuck.slice(0, 5).join(', ')})`);
  return why;
}

export async function runInboundStep(
  world: InboundWorld,
  rate: number,
  cfg: InboundStepConfig,
): Promise<InboundStep> {
  const calls = Math.round(rate * cfg.stepSeconds);
  const o = await observe(world, rate, calls, cfg);
  const why = verdict(calls, rate, o);
  const s = o.uac.stats;
  const sum = (k: 'successfulCalls' | 'failedCalls' | 'retransmissions') =>
    o.uas.reduce((n, r) => n + (r.stats?.[k] ?? 0), 0);
  const [u0, u1] = o.usage;
  const { arrivedToOfferedMs, ...counts } = o.marks;
  const cpuMs = u1.cpuMs - u0.cpuMs;
  return {
    rate,
    calls,
    passed: why.length === 0,
    why,
    caller: {
      successful: s?.successfulCalls ?? 0,
      failed: s?.failedCalls ?? 0,
      retransmissions: s?.retransmissions ?? 0,
      ...(o.uac.placedSeconds !== undefined ? { placedSeconds: o.uac.placedSeconds } : {}),
    },
    devices: {
      successful: sum('successfulCalls'),
      failed: sum('failedCalls'),
      retransmissions: sum('retransmissions'),
    },
    routing: roundSummary(summarize(arrivedToOfferedMs)),
    patchbayCalls: counts,
    callerInviteTo200: summarize(o.uac.rtt.get('1')),
    patchbay: {
      cpuPercent: round((100 * cpuMs) / o.wallMs),
      peakRssMb: o.peakRssMb,
      cpuMsPerCall: round(cpuMs / calls, 3),
      threads: threadShares(u0, u1, o.wallMs),
    },
    sippCaller: o.procs.uac,
    sippDevices: o.procs.uas,
    udpDrops: o.drops,
    agentsNotReadyBefore: o.stuckBefore,
    agentsLeftNotReady: o.stuck,
    loadAverage1m: round(loadavg()[0] ?? 0, 2),
    wallSeconds: round(o.wallMs / 1000),
  };
}

function roundSummary(s: LatencySummary): LatencySummary {
  const r = (v: number | undefined) => (v === undefined ? undefined : round(v, 3));
  return { samples: s.samples, p50Ms: r(s.p50Ms), p90Ms: r(s.p90Ms), p99Ms: r(s.p99Ms), maxMs: r(s.maxMs) };
}
