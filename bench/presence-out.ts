/**
 * Presence-out benchmark (`npm run bench:presence-out`, issue 6 item 8), written to
 * bench/results/presence-out.json: customers watching one queue's presence URI (RFC 3856/6665)
 * through patchbay's queue presence (presence/queue-presence on a sip-engine in its own process),
 * the watchers being drachtio-srf UAC apps in separate processes (bench/lib/queue-watchers.ts).
 * Stepped watcher counts; at each: one queue.state change → time until every NOTIFY is answered,
 * sustained NOTIFYs/s, memory per subscription. Targets: 10,000 NOTIFYs answered within 2 s,
 * at most 4 KB per subscription.
 * Options: --watchers 1000,2500,5000,10000 --watcher-processes 2 --ramp-rate 400 --fan-outs 3
 *          --sustain-s 10 --out FILE, and --cpu-prof: profile this process and the engine
 *          (results/profiles/presence-out/, summaries in the JSON; written to
 *          results/presence-out-profiled.json unless --out is given, as profiling slows the run).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Session } from 'node:inspector/promises';
import { busiestProfile, summarizeProfile } from './lib/cpu-profile.js';
import type { ProfileSummary } from './lib/cpu-profile.js';
import { machineInfo } from './lib/measure.js';
import type { PresenceOutLevel } from './lib/presence-out-steps.js';
import { runLevel, sampleMemory } from './lib/presence-out-steps.js';
import { startPresenceOutWorld } from './lib/presence-out-world.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const TARGETS = { watchers: 10_000, allAnsweredMs: 2000, bytesPerSubscription: 4096 };

const { values: opt } = parseArgs({
  options: {
    watchers: { type: 'string', default: '1000,2500,5000,10000' },
    'watcher-processes': { type: 'string', default: '2' },
    'ramp-rate': { type: 'string', default: '400' },
    'fan-outs': { type: 'string', default: '3' },
    'sustain-s': { type: 'string', default: '10' },
    out: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const ROOT = join(HERE, '..');
const PROFILES = join(HERE, 'results', 'profiles', 'presence-out');
const OUT =
  opt.out ?? join(HERE, 'results', opt['cpu-prof'] ? 'presence-out-profiled.json' : 'presence-out.json');

function positives(name: string, raw: string): number[] {
  return raw.split(',').map((r) => {
    const n = Number(r);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} takes positive integers, got '${r}'`);
    return n;
  });
}
const one = (name: 'watcher-processes' | 'ramp-rate' | 'fan-outs' | 'sustain-s'): number =>
  positives(name, opt[name])[0] ?? 1;

/** This process's profile through the inspector (node --cpu-prof would only write it at exit). */
async function profileApp(): Promise<() => Promise<ProfileSummary>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    const file = join(PROFILES, 'app.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    return summarizeProfile(file, ROOT);
  };
}

function verdict(levels: readonly PresenceOutLevel[]) {
  const top = levels.find((l) => l.watchers === TARGETS.watchers);
  const times = top?.fanOuts.map((f) => f.allAnsweredMs ?? Infinity) ?? [];
  return {
    allAnsweredWithin2s: times.length > 0 && Math.max(...times) <= TARGETS.allAnsweredMs,
    bytesPerSubscription: (top?.bytesPerSubscription.heap ?? Infinity) <= TARGETS.bytesPerSubscription,
  };
}

async function main(): Promise<void> {
  if ((globalThis as { gc?: unknown }).gc === undefined) throw new Error('run with node --expose-gc');
  const started = Date.now();
  const levels = positives('watchers', opt.watchers).sort((a, b) => a - b);
  const o = { rampRate: one('ramp-rate'), fanOuts: one('fan-outs'), sustainS: one('sustain-s') };
  const machine = machineInfo();
  console.log(
    `presence-out bench on ${machine.cores} cores, load ${machine.loadAverage1m}, node ${machine.node}`,
  );
  const profiling = opt['cpu-prof'];
  if (profiling) {
    rmSync(PROFILES, { recursive: true, force: true });
    mkdirSync(join(PROFILES, 'engine'), { recursive: true });
  }
  const world = await startPresenceOutWorld({
    watcherProcesses: one('watcher-processes'),
    minIntervalS: 0,
    engineExecArgv: profiling ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILES, 'engine')}`] : [],
  });
  const results: PresenceOutLevel[] = [];
  let stoppedBecause = 'all levels passed';
  let stopAppProfile: (() => Promise<ProfileSummary>) | undefined;
  const profiles: { app?: ProfileSummary; engine?: ProfileSummary } = {};
  try {
    const baseline = await sampleMemory(world);
    if (profiling) stopAppProfile = await profileApp();
    let from = 0;
    for (const to of levels) {
      const l = await runLevel(world, baseline, from, to, o);
      results.push(l);
      const f = l.fanOuts.map((x) => String(x.allAnsweredMs)).join(', ');
      console.log(
        `${l.watchers} watchers: fan-out ${f} ms; sustained ${l.sustained.notifiesPerSecond}/s; heap ${l.bytesPerSubscription.heap} B/sub; load ${l.loadAverage1m} ${l.why.join('; ')}`,
      );
      from = to;
      if (!l.passed) {
        stoppedBecause = `${to} watchers: ${l.why.join('; ')}`;
        break;
      }
    }
  } finally {
    if (stopAppProfile) profiles.app = await stopAppProfile();
    await world.stop();
  }
  const engineProfile = profiling ? busiestProfile(join(PROFILES, 'engine')) : undefined;
  if (engineProfile) profiles.engine = summarizeProfile(engineProfile, ROOT);
  const out = {
    name: 'presence-out',
    what: 'customers watching one queue (presence/queue-presence, external presence mode wiring) → one queue.state change → a NOTIFY to every watcher',
    date: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine,
    sharedMachine:
      'run on a 2-core machine shared with other helpers’ builds and tests (see machine.loadAverage1m and each level): figures are lower bounds',
    method: {
      processes:
        'patchbay: this process (QueuePresence + the queue SUBSCRIBE route on drachtio-srf) and its sip-engine in its own process; customers: watcher processes, each a sip-engine + srf UAC app, SUBSCRIBE/NOTIFY over UDP on 127.0.0.1',
      watcherProcesses: world.watchers.length,
      rampRate: o.rampRate,
      fanOut:
        'one queue.state event published on the in-process bus → every watcher’s NOTIFY answered (timed in patchbay’s NOTIFY channel); repeated per level',
      sustained: `queue.state changes every 20 ms for ${o.sustainS} s with the notifier’s min-interval at 0 (RFC 6446 floor; watchers ask for nothing), so each watcher always has its one NOTIFY in flight: NOTIFYs answered / s is the chain’s capacity`,
      memory:
        '(after − baseline) / subscriptions, after two GCs in both patchbay processes and once the engine holds no transactions; heap = this process heapUsed + engine heapUsed+external; rss likewise; the watchers’ memory is not counted',
      minIntervalS: 0,
    },
    targets: TARGETS,
    meetsTargets: verdict(results),
    stoppedBecause,
    levels: results,
    ...(profiling
      ? { profiles, profiledRun: 'figures of a profiled run are slower than unprofiled ones' }
      : {}),
  };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`→ ${OUT}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
