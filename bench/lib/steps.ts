/**
 * Stepped-rate runs: each step places rate × holdSeconds calls with SIPp at `rate` calls/s
 * (INVITE/SDP → 200 → ACK → pause → BYE → 200) and passes only when every call succeeded, nobody
 * retransmitted (UAC, and the UAS in B2BUA mode) and SIPp really placed the calls at that rate.
 */
import { loadavg } from 'node:os';
import { waitFor } from '../../test-support/wait.js';
import { freePort } from '../../test-support/ports.js';
import type { LatencySummary } from './measure.js';
import { mb, sampleRss, summarize } from './measure.js';
import type { SippResult } from './sipp.js';
import { startSipp } from './sipp.js';
import { watchUdpDrops } from './udp-drops.js';
import type { World } from './worlds.js';
import { waitForUdpListener } from './worlds.js';

export interface StepConfig {
  sipp: string;
  uacScenario: string;
  uasScenario: string;
  holdSeconds: number;
  pauseMs: number;
}

export interface StepResult {
  rate: number;
  calls: number;
  passed: boolean;
  why: string[];
  successfulCalls: number;
  failedCalls: number;
  retransmissions: number;
  /** B2BUA mode: the far-end SIPp UAS's counters (null in UAS mode). */
  uas: { failedCalls: number; retransmissions: number; successfulCalls: number } | null;
  placedSeconds: number | undefined;
  invite: LatencySummary;
  bye: LatencySummary;
  enginePeakRssMb: number;
  /** Longest GC pause in the engine during the step, and the share of the step's wall time spent in GC. */
  engineMaxGcPauseMs: number;
  engineGcPercent: number;
  /**
   * Datagrams the kernel dropped for a full receive buffer during the step: at the engine's SIP
   * socket, at SIPp's UAC and UAS sockets, and machine-wide (other processes included).
   */
  udpDrops: { engine: number; sippUac: number; sippUas: number; machine: number | undefined };
  /** Share of one core used during the step by the engine process and by the srf app's process. */
  engineCpuPercent: number;
  appCpuPercent: number;
  /** CPU ms per call: less sensitive to a busy machine than the rate; 1000 / it ≈ calls/s one free core allows. */
  engineCpuMsPerCall: number;
  appCpuMsPerCall: number;
  /** The machine's 1-minute load average when the step ended (2 cores: above 2 means queueing for CPU). */
  loadAverage1m: number;
  appFailures: number;
  /** Live transactions in the engine when SIPp finished (RFC 6026 Timer L / Timer J keep them 64·T1). */
  engineTransactionsAtEnd: number;
  wallSeconds: number;
}

function verdict(calls: number, rate: number, uac: SippResult, uas: SippResult | undefined): string[] {
  const why: string[] = [];
  const s = uac.stats;
  if (!s) return [`SIPp wrote no statistics (exit ${String(uac.exitCode)}): ${uac.stderr.slice(-300)}`];
  if (s.successfulCalls !== calls) why.push(`${s.successfulCalls}/${calls} calls succeeded`);
  if (s.failedCalls > 0) why.push(`${s.failedCalls} failed calls`);
  if (s.retransmissions > 0) why.push(`${s.retransmissions} UAC retransmissions`);
  if (uas?.stats && uas.stats.retransmissions > 0)
    why.push(`${uas.stats.retransmissions} UAS retransmissions`);
  if (uas?.stats && uas.stats.failedCalls > 0) why.push(`${uas.stats.failedCalls} UAS failed calls`);
  // SIPp on a busy machine may fall behind its target rate; such a step proves nothing.
  const allowed = calls / rate + 1.5;
  if (uac.placedSeconds === undefined || uac.placedSeconds > allowed) {
    why.push(`SIPp needed ${String(uac.placedSeconds)} s to place calls meant for ${calls / rate} s`);
  }
  return why;
}

async function startUas(world: World, cfg: StepConfig): Promise<ReturnType<typeof startSipp> | undefined> {
  const port = await world.newUasPort();
  if (port === undefined) return undefined;
  const run = startSipp({ sipp: cfg.sipp, scenario: cfg.uasScenario, localPort: port, killAfterMs: 600000 });
  await waitForUdpListener(port);
  return run;
}

/** Waits (bounded) until the engine holds no dialogs and no pending requests. */
async function settle(world: World): Promise<void> {
  await waitFor(
    async () => {
      const s = await world.engine.stats();
      return s.dialogs === 0 && s.pendingRequests === 0 && s.clientRequests === 0;
    },
    { timeoutMs: 15000, intervalMs: 250, what: 'engine idle between steps' },
  ).catch(() => undefined);
}

interface Observed {
  uac: SippResult;
  uas: SippResult | undefined;
  wallMs: number;
  engineCpuMs: number;
  appCpuMs: number;
  peakRss: number;
  maxGcPauseMs: number;
  gcMs: number;
  drops: Record<string, number>;
  transactions: number;
  ports: { engine: number; uac: number; uas: number | undefined };
}

/** Runs the step's SIPp UAC (and UAS) while sampling the engine's RSS and both processes' CPU. */
async function observe(world: World, rate: number, calls: number, cfg: StepConfig): Promise<Observed> {
  const uasRun = await startUas(world, cfg);
  const ports = { engine: world.engine.port('udp'), uac: await freePort(), uas: world.uasPort };
  const drops = watchUdpDrops(() => [
    ports.engine,
    ports.uac,
    ...(ports.uas === undefined ? [] : [ports.uas]),
  ]);
  const rss = sampleRss(world.engine);
  const started = Date.now();
  const first = await world.engine.memory(false);
  const appCpu0 = process.cpuUsage();
  const uac = await startSipp({
    sipp: cfg.sipp,
    scenario: cfg.uacScenario,
    remote: world.engineTarget,
    localPort: ports.uac,
    service: 'bench',
    rate,
    maxCalls: calls,
    limit: Math.max(1000, rate * 4),
    pauseMs: cfg.pauseMs,
    killAfterMs: cfg.holdSeconds * 1000 + 30000,
  }).done;
  const uas = await uasRun?.stop(3000);
  const wallMs = Date.now() - started;
  const last = await world.engine.memory(false);
  const samples = await rss.stop();
  const appCpu = process.cpuUsage(appCpu0);
  const t = (await world.engine.stats()).transactions;
  return {
    transactions: t.client + t.server,
    uac,
    uas,
    wallMs,
    engineCpuMs: last.cpuMs - first.cpuMs,
    gcMs: last.gcTotalMs - first.gcTotalMs,
    maxGcPauseMs: Math.max(samples.maxGcPauseMs, last.gcMaxPauseMs),
    appCpuMs: (appCpu.user + appCpu.system) / 1000,
    peakRss: Math.max(samples.peakRss, last.rss),
    drops: drops.stop(),
    ports,
  };
}

function toResult(rate: number, calls: number, o: Observed, why: string[], appFailures: number): StepResult {
  const s = o.uac.stats;
  const u = o.uas?.stats;
  return {
    rate,
    calls,
    passed: why.length === 0,
    why,
    successfulCalls: s?.successfulCalls ?? 0,
    failedCalls: s?.failedCalls ?? 0,
    retransmissions: s?.retransmissions ?? 0,
    uas: u
      ? { failedCalls: u.failedCalls, retransmissions: u.retransmissions, successfulCalls: u.successfulCalls }
      : null,
    placedSeconds: o.uac.placedSeconds,
    invite: summarize(o.uac.rtt.get('1')),
    bye: summarize(o.uac.rtt.get('2')),
    enginePeakRssMb: mb(o.peakRss),
    engineMaxGcPauseMs: o.maxGcPauseMs,
    engineGcPercent: Math.round((100 * o.gcMs) / o.wallMs),
    udpDrops: {
      engine: o.drops[String(o.ports.engine)] ?? 0,
      sippUac: o.drops[String(o.ports.uac)] ?? 0,
      sippUas: o.ports.uas === undefined ? 0 : (o.drops[String(o.ports.uas)] ?? 0),
      machine: o.drops.machine,
    },
    engineCpuPercent: Math.round((100 * o.engineCpuMs) / o.wallMs),
    appCpuPercent: Math.round((100 * o.appCpuMs) / o.wallMs),
    engineCpuMsPerCall: Number((o.engineCpuMs / calls).toFixed(3)),
    appCpuMsPerCall: Number((o.appCpuMs / calls).toFixed(3)),
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
    appFailures,
    engineTransactionsAtEnd: o.transactions,
    wallSeconds: Number((o.wallMs / 1000).toFixed(1)),
  };
}

export async function runStep(world: World, rate: number, cfg: StepConfig): Promise<StepResult> {
  const calls = Math.round(rate * cfg.holdSeconds);
  const failuresBefore = world.app.counters.failed;
  const o = await observe(world, rate, calls, cfg);
  await settle(world);
  const why = verdict(calls, rate, o.uac, o.uas);
  const appFailures = world.app.counters.failed - failuresBefore;
  if (appFailures > 0) why.push(`${appFailures} B2BUA legs failed in the app`);
  return toResult(rate, calls, o, why, appFailures);
}

export interface ModeResult {
  mode: string;
  /** An unscored first step at half the lowest rate (JIT warm-up, connection set-up). */
  warmUp: StepResult | null;
  /** null when not even the first rate held. */
  maxRateHeld: number | null;
  atMaxRate: StepResult | null;
  steps: StepResult[];
  stoppedBecause: string;
}

/**
 * Steps through `rates` until a step fails twice in a row (one retry absorbs a noisy neighbour on
 * a shared machine) or the time budget would be exceeded.
 */
export async function stepUp(
  world: World,
  rates: readonly number[],
  cfg: StepConfig,
  budgetMs: number,
): Promise<ModeResult> {
  const deadline = Date.now() + budgetMs;
  const warmUp = rates[0] === undefined ? null : await runStep(world, Math.ceil(rates[0] / 2), cfg);
  if (warmUp) log(`${world.mode} warm-up`, warmUp);
  const steps: StepResult[] = [];
  let best: StepResult | undefined;
  let stoppedBecause = 'all rates passed';
  for (const rate of rates) {
    if (Date.now() + cfg.holdSeconds * 1000 + 20000 > deadline) {
      stoppedBecause = `time budget (${budgetMs / 1000} s) reached before ${rate} calls/s`;
      break;
    }
    let step = await runStep(world, rate, cfg);
    steps.push(step);
    log(world.mode, step);
    if (!step.passed) {
      step = await runStep(world, rate, cfg);
      steps.push(step);
      log(world.mode, step);
    }
    if (!step.passed) {
      stoppedBecause = `${rate} calls/s failed twice: ${step.why.join('; ')}`;
      break;
    }
    best = step;
  }
  return {
    mode: world.mode,
    warmUp,
    maxRateHeld: best?.rate ?? null,
    atMaxRate: best ?? null,
    steps,
    stoppedBecause,
  };
}

function log(mode: string, s: StepResult): void {
  const state = s.passed ? 'ok  ' : 'FAIL';
  const lat = `invite p50/p99 ${String(s.invite.p50Ms)}/${String(s.invite.p99Ms)} ms`;
  const d = s.udpDrops;
  const use = `load ${s.loadAverage1m}, engine RSS ${s.enginePeakRssMb} MB, GC max ${s.engineMaxGcPauseMs} ms, CPU ms/call engine ${s.engineCpuMsPerCall} app ${s.appCpuMsPerCall}, UDP drops engine ${d.engine} sipp ${d.sippUac}/${d.sippUas}`;
  console.log(`[${mode}] ${state} ${s.rate} calls/s × ${s.calls}: ${lat}, ${use} ${s.why.join('; ')}`);
}
