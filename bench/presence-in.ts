/**
 * Presence-in benchmark (`npm run bench:presence-in`), written to bench/results/presence-in.json:
 * 1,000 and 10,000 agents watched by patchbay's presence watcher (presence/watcher wired to the
 * agent state service by runtime/presence-bridge.ts, PGlite in memory, in-process bus) through a
 * sip-engine in its own process, against a presence server played by a second sip-engine + srf
 * app in a third process (bench/lib/presence-server.ts). Stepped NOTIFY rates, one NOTIFY per
 * agent per step, each flipping availability; reported: NOTIFYs processed per second, latency
 * NOTIFY accepted by the watcher → `agent.state.<id>` on the bus (p50/p99), CPU and RSS.
 * Options: --agents 1000,10000 --rates 500,1000,2000,4000,8000 --budget-s 900 --out FILE
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo } from './lib/measure.js';
import type { PresenceSeries } from './lib/presence-steps.js';
import { stepPresence } from './lib/presence-steps.js';
import { startPresenceWorld } from './lib/presence-world.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const TARGETS = { agents: 1000, notifiesPerSecond: 2000, p99Ms: 20 };

const { values: opt } = parseArgs({
  options: {
    agents: { type: 'string', default: '1000,10000' },
    rates: { type: 'string', default: '500,1000,2000,4000,8000' },
    'budget-s': { type: 'string', default: '900' },
    out: { type: 'string', default: join(HERE, 'results', 'presence-in.json') },
  },
});

function positives(name: string, raw: string): number[] {
  return raw.split(',').map((r) => {
    const n = Number(r);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} takes positive numbers, got '${r}'`);
    return n;
  });
}

async function series(agents: number, rates: number[], budgetMs: number): Promise<PresenceSeries> {
  const world = await startPresenceWorld(agents);
  try {
    return await stepPresence(world, rates, budgetMs);
  } finally {
    await world.stop();
  }
}

function verdict(r: PresenceSeries | undefined): { notifiesPerSecond: boolean; p99: boolean } {
  const best = r?.steps
    .filter((s) => s.passed)
    .sort((a, b) => b.processedPerSecond - a.processedPerSecond)[0];
  const atTarget = r?.steps.find((s) => s.passed && s.offeredRate === TARGETS.notifiesPerSecond);
  return {
    notifiesPerSecond: (best?.processedPerSecond ?? 0) >= TARGETS.notifiesPerSecond,
    p99: (atTarget?.receivedToEvent.p99Ms ?? Infinity) < TARGETS.p99Ms,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const sizes = positives('agents', opt.agents);
  const rates = positives('rates', opt.rates);
  const budgetS = positives('budget-s', opt['budget-s'])[0] ?? 900;
  const machine = machineInfo();
  console.log(
    `presence-in bench on ${machine.cores} cores, load ${machine.loadAverage1m}, node ${machine.node}`,
  );
  const results: PresenceSeries[] = [];
  for (const agents of sizes) results.push(await series(agents, rates, (budgetS * 1000) / sizes.length));
  const out = {
    name: 'presence-in',
    what: 'patchbay presence watcher (external presence mode) → availability policy → agent state service → bus',
    date: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine,
    sharedMachine:
      'run on a 2-core machine shared with other work (see machine.loadAverage1m and each step): figures are lower bounds',
    method: {
      presenceServer:
        'a second sip-engine + drachtio-srf app in its own process playing the external presence server (not Kamailio): 202 + Expires 3600 and an immediate NOTIFY per SUBSCRIBE, then NOTIFY bursts with PIDF bodies (basic open, or closed + RPID away)',
      watcherSide:
        'sip-engine in its own process; in the bench process the srf app with presence/watcher + runtime/presence-bridge, AgentStateService on PGlite (memory) and the in-process bus — as patchbay start wires external presence mode',
      step: 'one NOTIFY per agent at the offered rate, flipping availability, so each causes exactly one agent.state.<id> event',
      passRule: 'every NOTIFY answered 2xx, every agent’s event seen, processed ≥ 90 % of the offered rate',
      processedPerSecond: 'events / (last event − first NOTIFY sent), one clock',
      latency:
        'receivedToEvent: NOTIFY accepted by the watcher (its presence listener) → agent.state.<id> delivered on the bus; sentToEvent: NOTIFY handed to srf by the presence server → the same event',
      rates,
    },
    targets: TARGETS,
    meetsTargets: verdict(results.find((r) => r.agents === TARGETS.agents)),
    series: results,
  };
  mkdirSync(dirname(opt.out), { recursive: true });
  writeFileSync(opt.out, `${JSON.stringify(out, null, 2)}\n`);
  for (const r of results)
    console.log(`${r.agents} agents: max ${String(r.maxRateHeld)}/s held (${r.stoppedBecause})`);
  console.log(`→ ${opt.out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
