/**
 * Presence-out benchmark (`npm run bench:presence-out`, issue 6 item 8), written to
 * bench/results/presence-out.json: customers watching one queue's presence URI (RFC 3856/6665)
 * through patchbay's queue presence (presence/queue-presence on a sip-engine in its own process),
 * the watchers being drachtio-srf UAC apps in separate processes (bench/lib/queue-watchers.ts).
 * Stepped watcher counts; at each: one queue.state change → time until every NOTIFY is answered,
 * sustained NOTIFYs/s, memory per subscription. Targets: 10,000 NOTIFYs answered within 2 s,
 * at most 4 KB per subscription.
 * Options: --watchers 1000,2500,5000,10000 --watcher-processes 2 --ramp-rate 400 --fan-outs 3
 *          --sustain-s 10 --out FILE
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
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
    out: { type: 'string', default: join(HERE, 'results', 'presence-out.json') },
  },
});

function positives(name: string, raw: string): number[] {
  return raw.split(',').map((r) => {
    const n = Number(r);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} takes positive integers, got '${r}'`);
    return n;
  });
}
const one = (name: keyof typeof opt): number => positives(name, opt[name])[0] ?? 1;

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
  const world = await startPresenceOutWorld({ watcherProcesses: one('watcher-processes'), minIntervalS: 0 });
  const results: PresenceOutLevel[] = [];
  let stoppedBecause = 'all levels passed';
  try {
    const baseline = await sampleMemory(world);
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
    await world.stop();
  }
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
  };
  mkdirSync(dirname(opt.out), { recursive: true });
  writeFileSync(opt.out, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`→ ${opt.out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
