/**
 * Memory per confirmed, idle dialog: the UAS world holds `dialogs` long SIPp calls (answered and
 * ACKed, sitting in their pause) and the engine's memory after GC is compared with a baseline
 * taken after a warm-up, both once the engine holds no transactions (RFC 6026 Timer L keeps INVITE
 * server transactions 64·T1 after the 2xx, so the bench waits them out before each sample).
 */
import type { MemorySample } from '../../test-support/engine-process.js';
import { freePort } from '../../test-support/ports.js';
import { waitFor } from '../../test-support/wait.js';
import { mb } from './measure.js';
import type { SippRun } from './sipp.js';
import { startSipp } from './sipp.js';
import type { World } from './worlds.js';

export interface DialogMemoryConfig {
  sipp: string;
  uacScenario: string;
  dialogs: number;
  rampRate: number;
}

export interface MemoryMb {
  rssMb: number;
  heapUsedMb: number;
  externalMb: number;
}

export interface DialogMemoryResult {
  dialogsWanted: number;
  /** Dialogs open at the sample; the per-dialog figures divide by those added since the baseline. */
  dialogsHeld: number;
  rampRate: number;
  baseline: MemoryMb;
  loaded: MemoryMb;
  heapUsedBytesPerDialog: number | undefined;
  heapPlusExternalBytesPerDialog: number | undefined;
  rssBytesPerDialog: number | undefined;
  transactionsAtSample: number;
  /** What the engine still held at the sample besides dialogs. */
  pendingRequestsAtSample: number;
  clientRequestsAtSample: number;
  notes: string[];
}

const asMb = (m: MemorySample): MemoryMb => ({
  rssMb: mb(m.rss),
  heapUsedMb: mb(m.heapUsed),
  externalMb: mb(m.external),
});

async function quiet(world: World, timeoutMs: number): Promise<number> {
  const count = async (): Promise<number> => {
    const t = (await world.engine.stats()).transactions;
    return t.client + t.server;
  };
  await waitFor(async () => (await count()) === 0, {
    timeoutMs,
    intervalMs: 500,
    what: 'no transactions',
  }).catch(() => undefined);
  return count();
}

async function warmUp(world: World, cfg: DialogMemoryConfig): Promise<void> {
  await startSipp({
    sipp: cfg.sipp,
    scenario: cfg.uacScenario,
    remote: world.engineTarget,
    localPort: await freePort(),
    service: 'bench',
    rate: 200,
    maxCalls: 1000,
    pauseMs: 50,
    killAfterMs: 30000,
  }).done;
}

/** Starts `cfg.dialogs` long calls and waits (bounded) until the engine holds them all. */
async function establish(world: World, cfg: DialogMemoryConfig, notes: string[]): Promise<SippRun> {
  const rampMs = (cfg.dialogs / cfg.rampRate) * 1000;
  const holdMs = rampMs + 180000;
  const run = startSipp({
    sipp: cfg.sipp,
    scenario: cfg.uacScenario,
    remote: world.engineTarget,
    localPort: await freePort(),
    service: 'bench',
    rate: cfg.rampRate,
    maxCalls: cfg.dialogs,
    limit: cfg.dialogs,
    pauseMs: holdMs,
    killAfterMs: holdMs + 60000,
  });
  let held = 0;
  await waitFor(
    async () => {
      held = (await world.engine.stats()).dialogs;
      return held >= cfg.dialogs;
    },
    { timeoutMs: rampMs + 30000, intervalMs: 500, what: `${cfg.dialogs} dialogs` },
  ).catch(() => notes.push(`only ${held} of ${cfg.dialogs} dialogs were established in time`));
  return run;
}

export async function measureDialogMemory(
  world: World,
  cfg: DialogMemoryConfig,
): Promise<DialogMemoryResult> {
  const notes: string[] = [];
  await warmUp(world, cfg);
  await quiet(world, 60000);
  const baseline = await world.engine.memory(true);
  const baselineDialogs = (await world.engine.stats()).dialogs;
  if (baselineDialogs > 0) notes.push(`${baselineDialogs} warm-up dialogs were still open at the baseline`);
  const run = await establish(world, cfg, notes);
  const transactionsAtSample = await quiet(world, 70000);
  const loaded = await world.engine.memory(true);
  const atSample = await world.engine.stats();
  await run.stop(1000);
  if (!baseline.gcRan) notes.push('engine ran without --expose-gc: figures include garbage');
  const held = atSample.dialogs;
  const per = (a: number, b: number): number | undefined =>
    held > 0 ? Math.round((a - b) / held) : undefined;
  return {
    dialogsWanted: cfg.dialogs,
    dialogsHeld: held,
    rampRate: cfg.rampRate,
    baseline: asMb(baseline),
    loaded: asMb(loaded),
    heapUsedBytesPerDialog: per(loaded.heapUsed, baseline.heapUsed),
    heapPlusExternalBytesPerDialog: per(
      loaded.heapUsed + loaded.external,
      baseline.heapUsed + baseline.external,
    ),
    rssBytesPerDialog: per(loaded.rss, baseline.rss),
    transactionsAtSample,
    pendingRequestsAtSample: atSample.pendingRequests,
    clientRequestsAtSample: atSample.clientRequests,
    notes,
  };
}
