/**
 * Inbound benchmark (`npm run bench:inbound`, issue 5 item 7), written to bench/results/inbound.json:
 * patchbay (startPatchbay as `patchbay start` runs it: embedded sip-engine on its worker thread,
 * PGlite in memory, in-process bus) in its own process, 200 agents registered over SIP with digest
 * and made ready through REST, their devices played by SIPp UAS instances (180, ring, 200), SIPp
 * callers at stepped rates. Reported: the highest rate with zero failed calls, routing latency
 * inside patchbay (call.arrived → call.offered) p50/p99, CPU and RSS per process.
 * Options: --agents 200 --device-sipps 2 --rates 50,100,200,300,400,600 --step-s 10 --ring-ms 100
 *          --talk-ms 100 --budget-s 900 --cpu-prof --out FILE
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findProgram } from '../test-support/programs.js';
import { machineInfo } from './lib/measure.js';
import type { InboundSeries } from './lib/inbound-series.js';
import { inboundSeries, profileSummaries } from './lib/inbound-series.js';
import { startInboundWorld } from './lib/inbound-world.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const TARGETS = { callsPerSecond: 400, routingP99Ms: 5, routingAtRate: 200 };

const { values: opt } = parseArgs({
  options: {
    agents: { type: 'string', default: '200' },
    'device-sipps': { type: 'string', default: '2' },
    rates: { type: 'string', default: '50,100,200,300,400,600' },
    'step-s': { type: 'string', default: '10' },
    'ring-ms': { type: 'string', default: '100' },
    'talk-ms': { type: 'string', default: '100' },
    'budget-s': { type: 'string', default: '900' },
    'cpu-prof': { type: 'boolean', default: false },
    out: { type: 'string', default: join(HERE, 'results', 'inbound.json') },
  },
});

function positives(name: string, raw: string): number[] {
  return raw.split(',').map((r) => {
    const n = Number(r);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} takes positive numbers, got '${r}'`);
    return n;
  });
}
const one = (name: string, raw: string): number => positives(name, raw)[0] ?? 0;

function meetsTargets(s: InboundSeries): { callsPerSecond: boolean; routingP99: boolean } {
  const at = s.steps.find((x) => x.passed && x.rate === TARGETS.routingAtRate);
  return {
    callsPerSecond: (s.maxRateHeld ?? 0) >= TARGETS.callsPerSecond,
    routingP99: (at?.routing.p99Ms ?? Infinity) < TARGETS.routingP99Ms,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const sipp = findProgram('sipp');
  if (!sipp) throw new Error('sipp is not installed (apt-get install sip-tester)');
  const agents = one('agents', opt.agents);
  const rates = positives('rates', opt.rates);
  const cfg = {
    sipp,
    uacScenario: join(HERE, 'scenarios', 'uac-call.xml'),
    uasScenario: join(HERE, 'scenarios', 'uas-agent-ring.xml'),
    stepSeconds: one('step-s', opt['step-s']),
    ringMs: one('ring-ms', opt['ring-ms']),
    talkMs: one('talk-ms', opt['talk-ms']),
  };
  const profDir = opt['cpu-prof'] ? mkdtempSync(join(tmpdir(), 'patchbay-inbound-prof-')) : undefined;
  const machine = machineInfo();
  const source = sourceState();
  console.log(`inbound bench on ${machine.cores} cores, load ${machine.loadAverage1m}, node ${machine.node}`);
  const world = await startInboundWorld({
    sipp,
    agents,
    devicePorts: one('device-sipps', opt['device-sipps']),
    execArgv: profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [],
  });
  console.log(`${agents} agents registered and ready (${JSON.stringify(world.setupSeconds)} s)`);
  let series: InboundSeries;
  try {
    series = await inboundSeries(world, rates, cfg, one('budget-s', opt['budget-s']) * 1000);
  } finally {
    await world.stop();
  }
  const out = {
    name: 'inbound',
    what: 'SIPp callers → patchbay (call control, queue, routing policy, agent state, records) → SIPp agent devices',
    date: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine,
    source,
    sharedMachine:
      'a 2-core machine shared with other helpers running tests at the same time (see machine.loadAverage1m and each step): figures are lower bounds',
    method: method(agents, cfg, world.devicePorts.length, world.setupSeconds, rates),
    targets: TARGETS,
    meetsTargets: meetsTargets(series),
    ...series,
    ...(profDir ? { cpuProfile: profileSummaries(profDir, join(HERE, '..')) } : {}),
  };
  mkdirSync(dirname(opt.out), { recursive: true });
  writeFileSync(opt.out, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`max ${String(series.maxRateHeld)} calls/s held (${series.stoppedBecause}) → ${opt.out}`);
}

/** The commit the run used, and source files that differed from it (a shared checkout). */
function sourceState(): { commit: string; uncommittedSources: string[] } {
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: join(HERE, '..'), encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain', '--untracked-files=no')
      .split('\n')
      .map((l) => l.slice(3))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    return { commit: git('rev-parse', 'HEAD'), uncommittedSources: dirty };
  } catch {
    return { commit: 'unknown', uncommittedSources: [] };
  }
}

function method(
  agents: number,
  cfg: { stepSeconds: number; ringMs: number; talkMs: number },
  devicePorts: number,
  setupSeconds: object,
  rates: number[],
) {
  return {
    patchbay:
      'its own Node process (bench/lib/inbound-patchbay.ts): config loader + startPatchbay exactly as `patchbay start`, embedded sip-engine on its worker thread, PGlite in memory (database.path memory://), in-process bus, embedded registrar/presence, call records and metrics on; no gateways configured (every source accepted); engine per-source rate limit off and maxPendingTransactions 500000 (all load from 127.0.0.1)',
    agents: `${agents} agents in one queue (longest-idle, ring timeout 20 s, wrap-up 0), each AOR REGISTERed over SIP with digest (MD5) from one of ${devicePorts} SIPp ports (injection file of users/passwords), logged in through POST /api/v1/agents/:id/state and ready`,
    devices: `${devicePorts} SIPp UAS (bench/scenarios/uas-agent-ring.xml) on the registered ports: 180, ${cfg.ringMs} ms ring, 200 with SDP, ACK, BYE → 200`,
    callers: `one SIPp UAC per step (bench/scenarios/uac-call.xml): INVITE+SDP → 180 → 200 → ACK → ${cfg.talkMs} ms → BYE → 200; rate × ${cfg.stepSeconds} s calls per step at the rate; SIPp gives up on a response after 10 s`,
    agentCapacity: `Little's law: ${agents} agents busy ${cfg.ringMs + cfg.talkMs} ms per call (+ signalling) answer at most ≈ ${Math.floor((agents * 1000) / (cfg.ringMs + cfg.talkMs))} calls/s; 1 s calls would cap 200 agents at ≈ ${Math.floor((agents * 1000) / (cfg.ringMs + 1000))} calls/s, below the 400 calls/s target, which is why calls are this short`,
    passRule:
      'all calls succeed at the caller, no failed call at any SIPp, retransmissions (caller + devices) ≤ 1 % of calls, SIPp placed the calls on time (≤ duration + 1.5 s), patchbay saw every call arrive and end completed, every agent that was ready before the step ready again after it (agents left stuck by an earlier step are reported per step, not held against later ones); a failed step is retried once, two failures end the series',
    routingLatency:
      'inside the patchbay process, performance.now() marks taken synchronously in EventBus.publish (bench-only decorator, bench/lib/inbound-marks.ts): call.arrived (the call coordinator receives the call from the INVITE handler, after admission and entry-point lookup) → the first call.offered of that call (agent reserved in its state machine with a PGlite row, registrar bindings read, INVITE handed to drachtio-srf createUAC for each device). Excludes the engine thread and the drachtio socket on both sides; includes any wait for a free agent',
    cpu: 'patchbay: process CPU (all threads) and per thread from /proc/self/task; SIPp: /proc/<pid>/stat sampled every 0.5 s; percent of one core over the step (INVITE of the first call → last BYE answered)',
    setupSeconds,
    rates,
  };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
