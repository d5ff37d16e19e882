/**
 * patchbay for `bench:inbound`, run as its own process (`node --import tsx`, forked by
 * inbound-world.ts): loads the YAML given as argv[2] with the config loader and starts it with
 * `startPatchbay` exactly as `patchbay start` does (embedded sip-engine on its worker thread, PGlite,
 * in-process bus), except that the bus is wrapped by the bench-only {@link MarkingBus}. Answers the
 * parent's IPC commands: this step's call marks, CPU/RSS (process and per thread), stop.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { requireConfig } from '../../config/index.js';
import { MemoryBus } from '../../infra/bus/memory-bus.js';
import { createLogger } from '../../infra/telemetry/index.js';
import { startPatchbay } from '../../runtime/compose.js';
import type { CallMarks } from './inbound-marks.js';
import { MarkingBus } from './inbound-marks.js';

/** Parent → child. */
export type PatchbayCommand =
  { op: 'marks'; id: number } | { op: 'usage'; id: number } | { op: 'stop'; id: number };

/** CPU time of one thread of this process so far (Linux /proc/self/task). */
export interface ThreadCpu {
  tid: number;
  name: string;
  cpuMs: number;
}

/** Child → parent. */
export type PatchbayReport =
  | { kind: 'ready'; sipPort: number; httpUrl: string; database: string; bus: string }
  | { kind: 'marks'; id: number; marks: CallMarks }
  | { kind: 'usage'; id: number; cpuMs: number; rssMb: number; heapUsedMb: number; threads: ThreadCpu[] }
  | { kind: 'stopped'; id: number; clean: boolean };

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** Every thread's user+system CPU (threads named by the kernel's `comm`), the main thread first. */
function threadsCpu(): ThreadCpu[] {
  try {
    const tids = readdirSync('/proc/self/task').sort((x, y) =>
      x === String(process.pid) ? -1 : y === String(process.pid) ? 1 : 0,
    );
    return tids.map((t) => {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim();
      return { tid: Number(t), name, cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS };
    });
  } catch {
    return [];
  }
}

const send = (r: PatchbayReport): void => void process.send?.(r);
const mb = (bytes: number): number => Number((bytes / 1048576).toFixed(1));

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: inbound-patchbay.ts <config.yaml>');
  const cfg = await requireConfig({ file, env: {} });
  const logger = createLogger(cfg);
  const bus = new MarkingBus(new MemoryBus({ nodeId: cfg.node.id, logger }));
  const runtime = await startPatchbay(cfg, { logger, bus });
  const udp = runtime.sip.endpoints.find((e) => e.protocol === 'udp');
  if (!udp) throw new Error('the engine has no UDP endpoint');
  process.on('message', (cmd: PatchbayCommand) => {
    if (cmd.op === 'marks') send({ kind: 'marks', id: cmd.id, marks: bus.take() });
    else if (cmd.op === 'usage') {
      const c = process.cpuUsage();
      const m = process.memoryUsage();
      send({
        kind: 'usage',
        id: cmd.id,
        cpuMs: (c.user + c.system) / 1000,
        rssMb: mb(m.rss),
        heapUsedMb: mb(m.heapUsed),
        threads: threadsCpu(),
      });
    } else if (cmd.op === 'stop') {
      void runtime.stop('bench over').then((r) => {
        send({ kind: 'stopped', id: cmd.id, clean: r.clean });
        process.disconnect();
        // Ends by itself once nothing is left; whatever lingers is cut after 2 s, as patchbay start does.
        setTimeout(() => process.exit(), 2000).unref();
      });
    }
  });
  send({
    kind: 'ready',
    sipPort: udp.port,
    httpUrl: runtime.http.url,
    database: runtime.database.kind,
    bus: runtime.bus.kind,
  });
}

main().catch((err: unknown) => {
  console.error('inbound-patchbay:', err);
  process.exit(1);
});
