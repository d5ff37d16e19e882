/**
 * The SIP engine on its own worker thread (design §2: SIP parsing on a second core).
 * `startEngineWorker(config)` starts a worker that runs {@link startEngine} and returns a handle
 * with the same surface as the in-thread one; stats() returns the latest snapshot the worker
 * pushed (every `statsIntervalMs`), refreshStats() asks for a fresh one.
 *
 * The same file is the worker's entry: it works from the TypeScript sources through tsx (the
 * worker registers tsx's loader itself) and from compiled dist/.
 *
 * Messages: parent→worker `stop` | `stats`; worker→parent `started` | `stats` | `stopped` | `error`.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import type { EngineConfig } from './config.js';
import { startEngine } from './engine.js';
import type { EngineHandle, EngineStats } from './engine.js';
import type { LocalEndpoint } from './transport/types.js';

export interface EngineWorkerOptions {
  /** pino level inside the worker (logs go to stdout); default 'silent'. */
  logLevel?: string;
  statsIntervalMs?: number;
}

export interface EngineWorkerHandle extends EngineHandle {
  refreshStats(): Promise<EngineStats>;
  readonly threadId: number;
}

interface WorkerInit {
  patchbayEngineWorker: true;
  config: EngineConfig;
  logLevel: string;
  statsIntervalMs: number;
}

type FromWorker =
  | {
      type: 'started';
      sipEndpoints: LocalEndpoint[];
      adminPort: number;
      adminTlsPort: number | undefined;
      stats: EngineStats;
    }
  | { type: 'stats'; stats: EngineStats }
  | { type: 'stopped' }
  | { type: 'error'; message: string; stack?: string };

type ToWorker = { type: 'stop' } | { type: 'stats' };

export class EngineWorkerError extends Error {
  override readonly name = 'EngineWorkerError';
  readonly code = 'engine-worker-failed';
}

/**
 * From compiled dist/ the worker runs this file directly. From the TypeScript sources it first
 * registers tsx's loader inside the worker (loader hooks are per thread), then imports this file.
 */
function newWorker(entry: URL, init: WorkerInit): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData: init });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

export function startEngineWorker(
  config: EngineConfig,
  opts: EngineWorkerOptions = {},
): Promise<EngineWorkerHandle> {
  const entry = new URL(import.meta.url);
  const init: WorkerInit = {
    patchbayEngineWorker: true,
    config,
    logLevel: opts.logLevel ?? 'silent',
    statsIntervalMs: opts.statsIntervalMs ?? 1000,
  };
  const worker = newWorker(entry, init);
  return new Promise((resolve, reject) => {
    const onStartError = (err: Error): void =>
      reject(new EngineWorkerError('engine worker failed to start', { cause: err }));
    worker.once('error', onStartError);
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'error') reject(new EngineWorkerError(m.message));
      if (m.type !== 'started') return;
      worker.off('error', onStartError);
      resolve(workerHandle(worker, m));
    });
    worker.once('exit', (code) => reject(new EngineWorkerError(`engine worker exited with code ${code}`)));
  });
}

function workerHandle(worker: Worker, started: Extract<FromWorker, { type: 'started' }>): EngineWorkerHandle {
  let latest = started.stats;
  const waiters: ((s: EngineStats) => void)[] = [];
  worker.on('message', (m: FromWorker) => {
    if (m.type !== 'stats') return;
    latest = m.stats;
    for (const w of waiters.splice(0)) w(m.stats);
  });
  worker.on('error', () => undefined);
  let stopping: Promise<void> | undefined;
  const post = (m: ToWorker): void => worker.postMessage(m);
  return {
    threadId: worker.threadId,
    sipEndpoints: started.sipEndpoints,
    adminPort: started.adminPort,
    adminTlsPort: started.adminTlsPort,
    stats: () => latest,
    refreshStats: () =>
      new Promise((resolve) => {
        waiters.push(resolve);
        post({ type: 'stats' });
      }),
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        post({ type: 'stop' });
      });
      return stopping;
    },
  };
}

/** Worker side: start the engine, report, serve stats, stop on request. */
async function runWorker(init: WorkerInit): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const logger = pino({ level: init.logLevel });
  const send = (m: FromWorker): void => port.postMessage(m);
  try {
    const handle = await startEngine(init.config, { logger });
    const timer = setInterval(() => send({ type: 'stats', stats: handle.stats() }), init.statsIntervalMs);
    timer.unref();
    port.on('message', (m: ToWorker) => {
      if (m.type === 'stats') send({ type: 'stats', stats: handle.stats() });
      if (m.type === 'stop') {
        clearInterval(timer);
        void handle.stop().then(() => {
          send({ type: 'stopped' });
          port.close();
        });
      }
    });
    send({
      type: 'started',
      sipEndpoints: [...handle.sipEndpoints],
      adminPort: handle.adminPort,
      adminTlsPort: handle.adminTlsPort,
      stats: handle.stats(),
    });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    send({ type: 'error', message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
    port.close();
  }
}

function isWorkerInit(v: unknown): v is WorkerInit {
  return typeof v === 'object' && v !== null && (v as Partial<WorkerInit>).patchbayEngineWorker === true;
}

if (!isMainThread && isWorkerInit(workerData)) void runWorker(workerData);
