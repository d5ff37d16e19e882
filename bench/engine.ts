/**
 * SIP engine benchmark (`npm run bench:engine`), written to bench/results/engine.json:
 *  1. stepped call rates with SIPp (INVITE/SDP → 200 → ACK → pause → BYE → 200) against
 *     (a) a trivial drachtio-srf UAS app and (b) an srf B2BUA app forwarding to a SIPp UAS, each on
 *     an engine running in its own process; the highest rate held with zero failed calls and zero
 *     retransmissions, SIPp response times, engine RSS;
 *  2. engine memory per confirmed idle dialog with 10,000 concurrent dialogs.
 * Traffic goes to 127.0.0.1 only; every loop is bounded in count and time.
 * Options: --modes uas,b2bua --rates 200,400,… --hold-s 10 --pause-ms 100 --dialogs 10000
 *          --ramp-rate 500 --budget-s 900 --skip-memory --cpu-prof --out FILE
 *          --udp-rcvbuf BYTES (experiment: a bigger SO_RCVBUF on the engine's UDP sockets)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findProgram } from '../test-support/programs.js';
import type { ProfileSummary } from './lib/cpu-profile.js';
import { busiestProfile, summarizeProfile } from './lib/cpu-profile.js';
import type { DialogMemoryResult } from './lib/dialog-memory.js';
import { measureDialogMemory } from './lib/dialog-memory.js';
import { machineInfo } from './lib/measure.js';
import type { ModeResult, StepConfig } from './lib/steps.js';
import { stepUp } from './lib/steps.js';
import type { BenchMode } from './lib/worlds.js';
import { benchEngineConfig, startWorld } from './lib/worlds.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const TARGETS = { callsPerSecond: 1600, bytesPerIdleDialog: 10240 };

const { values: opt } = parseArgs({
  options: {
    modes: { type: 'string', default: 'uas,b2bua' },
    rates: { type: 'string', default: '200,400,800,1200,1600,2000,2400,2800,3200' },
    'hold-s': { type: 'string', default: '10' },
    'pause-ms': { type: 'string', default: '100' },
    dialogs: { type: 'string', default: '10000' },
    'ramp-rate': { type: 'string', default: '500' },
    'budget-s': { type: 'string', default: '900' },
    'skip-memory': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'udp-rcvbuf': { type: 'string', default: '0' },
    out: { type: 'string', default: join(HERE, 'results', 'engine.json') },
  },
});

function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got '${raw}'`);
  return n;
}

const modes = opt.modes.split(',').filter((m): m is BenchMode => m === 'uas' || m === 'b2bua');
const rates = opt.rates.split(',').map((r) => positive('rates', r));
const budgetMs = positive('budget-s', opt['budget-s']) * 1000;
const profileDir = join(HERE, 'results', 'profiles');
const udpRcvbuf = Number(opt['udp-rcvbuf']);
if (udpRcvbuf > 0) process.env.PATCHBAY_UDP_RCVBUF = String(udpRcvbuf);

async function runMode(
  mode: BenchMode,
  cfg: StepConfig,
  modeBudgetMs: number,
): Promise<{ result: ModeResult; profile?: ProfileSummary }> {
  const dir = join(profileDir, mode);
  const execArgv = opt['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  if (opt['cpu-prof']) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  const world = await startWorld(mode, execArgv);
  let result: ModeResult;
  try {
    result = await stepUp(world, rates, cfg, modeBudgetMs);
  } finally {
    await world.stop();
  }
  const file = opt['cpu-prof'] ? busiestProfile(dir) : undefined;
  return file ? { result, profile: summarizeProfile(file, ROOT) } : { result };
}

async function runMemory(sipp: string, uacScenario: string): Promise<DialogMemoryResult> {
  const world = await startWorld('uas');
  try {
    return await measureDialogMemory(world, {
      sipp,
      uacScenario,
      dialogs: positive('dialogs', opt.dialogs),
      rampRate: positive('ramp-rate', opt['ramp-rate']),
    });
  } finally {
    await world.stop();
  }
}

async function main(): Promise<void> {
  const sipp = findProgram('sipp');
  if (!sipp) throw new Error('sipp is not installed (apt-get install sip-tester)');
  const started = Date.now();
  const cfg: StepConfig = {
    sipp,
    uacScenario: join(HERE, 'scenarios', 'uac-call.xml'),
    uasScenario: join(HERE, 'scenarios', 'uas-answer.xml'),
    holdSeconds: positive('hold-s', opt['hold-s']),
    pauseMs: positive('pause-ms', opt['pause-ms']),
  };
  const machine = machineInfo();
  console.log(
    `engine bench on ${machine.cores} cores (${machine.cpuModel}), load ${machine.loadAverage1m}, node ${machine.node}`,
  );
  const results: Record<string, ModeResult> = {};
  const profiles: Record<string, ProfileSummary> = {};
  for (const mode of modes) {
    const { result, profile } = await runMode(mode, cfg, budgetMs / (modes.length + 1));
    results[mode] = result;
    if (profile) profiles[mode] = profile;
  }
  const dialogMemory = opt['skip-memory'] ? undefined : await runMemory(sipp, cfg.uacScenario);
  const uasRate = results.uas?.maxRateHeld;
  const perDialog = dialogMemory?.heapPlusExternalBytesPerDialog;
  const out = {
    name: 'engine',
    what: 'sip-engine in its own process; SIPp UDP calls to a drachtio-srf UAS app and an srf B2BUA app',
    date: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine,
    method: {
      rates,
      holdSeconds: cfg.holdSeconds,
      callPauseMs: cfg.pauseMs,
      passRule: 'every call succeeded, zero UAC and UAS retransmissions, calls placed at the target rate',
      latency: 'SIPp -trace_rtt, 1 ms resolution: invite = INVITE→200, bye = BYE→200',
      engineLimits: benchEngineConfig(0).limits,
      engineUdpReceiveBufferBytes: udpRcvbuf > 0 ? udpRcvbuf : 'kernel default (net.core.rmem_default)',
      memory:
        '(heapUsed+external after GC with N idle dialogs − baseline after warm-up) / N, engine process only',
    },
    targets: TARGETS,
    meetsTargets: {
      uasCallsPerSecond: uasRate != null && uasRate >= TARGETS.callsPerSecond,
      bytesPerIdleDialog: perDialog !== undefined && perDialog <= TARGETS.bytesPerIdleDialog,
    },
    modes: results,
    dialogMemory,
    ...(Object.keys(profiles).length > 0 ? { profiles } : {}),
  };
  mkdirSync(dirname(opt.out), { recursive: true });
  writeFileSync(opt.out, `${JSON.stringify(out, null, 2)}\n`);
  for (const [mode, r] of Object.entries(results))
    console.log(`${mode}: max ${String(r.maxRateHeld)} calls/s (${r.stoppedBecause})`);
  if (dialogMemory)
    console.log(`memory: ${String(perDialog)} bytes per idle dialog (${dialogMemory.dialogsHeld} dialogs)`);
  console.log(`→ ${opt.out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
