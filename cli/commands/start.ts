/**
 * `patchbay start [--config FILE]` — runs patchbay: storage, bus, SIP engine (or drachtio-servers),
 * router, HTTP API (runtime/compose.ts), until SIGINT/SIGTERM starts the ordered shutdown
 * (runtime/shutdown.ts); a second signal forces the exit.
 *
 * Exit codes: 0 after a clean shutdown; 1 when the configuration is invalid (every problem listed),
 * start-up fails, or a shutdown phase failed or timed out; 2 on usage errors; 128+n when forced by
 * a second signal. The process ends on its own once shutdown has released everything; process.exit
 * is called only for the forced exit and by the lingering safety net (exitIfLingering).
 */
import { constants } from 'node:os';
import { parseArgs } from 'node:util';
import { formatIssue, loadConfig, redactConfig } from '../../config/index.js';
import type { PatchbayConfig } from '../../config/index.js';
import { createLogger } from '../../infra/telemetry/index.js';
import type { Logger } from '../../infra/telemetry/index.js';
import { startPatchbay } from '../../runtime/compose.js';
import type { PatchbayRuntime } from '../../runtime/compose.js';
import { describeError } from '../../runtime/errors.js';
import { handleShutdownSignals } from '../../runtime/shutdown.js';
import { systemClock } from '../../sip-engine/util/clock.js';

const USAGE = [
  'Usage: patchbay start [--config FILE]',
  '',
  'Runs patchbay with FILE (YAML) and the PATCHBAY_<SECTION>__<KEY> environment overrides',
  '(without --config: the defaults and the environment). Logs where SIP and HTTP listen.',
  'SIGINT/SIGTERM shut down in order; a second signal forces the exit.',
].join('\n');

/** After shutdown the process should be gone well before this (see exitIfLingering). */
const LINGER_MS = 2000;

type Parsed = { help: true } | { help: false; file: string | undefined } | { error: string };

function parse(argv: string[]): Parsed {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    return values.help ? { help: true } : { help: false, file: values.config };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

async function config(file: string | undefined): Promise<PatchbayConfig | undefined> {
  const result = await loadConfig({ env: process.env, ...(file !== undefined ? { file } : {}) });
  if (result.ok) return result.config;
  const n = result.issues.length;
  const lines = [
    `patchbay start: ${file ?? 'configuration'}: ${n} problem${n === 1 ? '' : 's'}`,
    ...result.issues.map((i) => `  ${formatIssue(i)}`),
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
  return undefined;
}

/**
 * Installed before start-up, so a signal that arrives while starting stops patchbay as soon as it
 * is up. `signalled` resolves with the first signal; `remove` takes the listeners away again.
 */
function watchSignals(logger: Logger): { signalled: Promise<NodeJS.Signals>; remove: () => void } {
  let remove: () => void = () => undefined;
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    remove = handleShutdownSignals({
      logger,
      onFirst: resolve,
      forceExit: (signal) => process.exit(128 + constants.signals[signal]),
    });
  });
  return { signalled, remove };
}

/**
 * A safety net, not the way out: after shutdown (or a failed start-up) the process should end by
 * itself at once. If something still holds it (a leaked socket or timer), say what after
 * LINGER_MS and exit anyway, so a supervisor never waits on a half-dead process. The timer is
 * unref'd: it never keeps the process alive by itself, so a clean exit is never delayed.
 */
function exitIfLingering(logger: Logger): void {
  systemClock.setTimer(() => {
    logger.warn({ resources: process.getActiveResourcesInfo() }, 'process still running after shutdown');
    process.exit();
  }, LINGER_MS);
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parse(argv);
  if ('error' in parsed) {
    process.stderr.write(`patchbay start: ${parsed.error}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const cfg = await config(parsed.file);
  if (!cfg) return 1;
  const logger = createLogger(cfg);
  logger.debug({ config: redactConfig(cfg) }, 'configuration');
  const signals = watchSignals(logger);
  let runtime: PatchbayRuntime;
  try {
    runtime = await startPatchbay(cfg, { logger });
  } catch (err) {
    signals.remove();
    process.stderr.write(`patchbay start: cannot start: ${describeError(err)}\n`);
    exitIfLingering(logger);
    return 1;
  }
  const report = await runtime.stop(await signals.signalled);
  signals.remove();
  exitIfLingering(logger);
  if (!report.clean) {
    const bad = report.phases.filter((p) => p.outcome === 'failed' || p.outcome === 'timed-out');
    const list = bad.map((p) => `${p.phase} ${p.outcome}`).join(', ');
    process.stderr.write(`patchbay start: shutdown incomplete: ${list}\n`);
  }
  return report.clean ? 0 : 1;
}
