/**
 * Runs `node bin/patchbay.js start --config <file>` as a child process (from the TypeScript sources:
 * PATCHBAY_FROM_SOURCE=1) for whole-process tests: writes the YAML to a temp directory, keeps the
 * output, parses pino's JSON lines, and records when the process exited. The environment's own
 * PATCHBAY_<SECTION>__<KEY> overrides are removed so they cannot change what a test runs.
 *
 * Teardown: `kill()` (SIGKILL if still alive) and `cleanup()` remove the process and the temp dir.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'patchbay.js');

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when the child exited. */
  atMs: number;
  /** Date.now() when the child exited (to compare with log times). */
  wallMs: number;
}

export interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!(k.startsWith('PATCHBAY_') && k.includes('__'))) env[k] = v;
  }
  return { ...env, PATCHBAY_FROM_SOURCE: '1', ...extra };
}

export class PatchbayProcess {
  readonly dir: string;
  readonly exited: Promise<ExitInfo>;
  #stdout = '';
  #stderr = '';

  private constructor(
    readonly child: ChildProcess,
    dir: string,
  ) {
    this.dir = dir;
    child.stdout?.on('data', (d: Buffer) => (this.#stdout += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (this.#stderr += d.toString('utf8')));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) =>
        resolve({ code, signal, atMs: performance.now(), wallMs: Date.now() }),
      );
    });
  }

  /** A temp directory for the config file and data (removed by cleanup()). */
  static tempDir(): string {
    return mkdtempSync(join(tmpdir(), 'patchbay-start-'));
  }

  /** Writes `yaml` to `<dir>/patchbay.yaml` and starts `patchbay start --config` on it. */
  static start(
    yaml: string,
    opts: { dir?: string; env?: Record<string, string>; args?: string[] } = {},
  ): PatchbayProcess {
    const dir = opts.dir ?? PatchbayProcess.tempDir();
    const file = join(dir, 'patchbay.yaml');
    writeFileSync(file, yaml);
    const args = opts.args ?? ['start', '--config', file];
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: childEnv(opts.env ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new PatchbayProcess(child, dir);
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Every JSON log line written to stdout so far. */
  logs(): LogLine[] {
    const out: LogLine[] = [];
    for (const line of this.#stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        out.push(JSON.parse(line) as LogLine);
      } catch {
        // a partial line still being written
      }
    }
    return out;
  }

  /** The first log line whose msg matches, waiting up to `timeoutMs`; fails early if the child exits. */
  waitForLog(msg: string | RegExp, timeoutMs = 60000): Promise<LogLine> {
    let gone = false;
    void this.exited.then(() => (gone = true));
    const matches = (l: LogLine): boolean =>
      typeof l.msg === 'string' && (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg));
    return waitFor(
      () => {
        const hit = this.logs().find(matches);
        if (hit) return hit;
        if (gone) throw new Error(`patchbay exited before logging ${String(msg)}:\n${this.tail()}`);
        return undefined;
      },
      { timeoutMs, intervalMs: 25, what: `log line ${String(msg)}` },
    );
  }

  /** The exit, or an error with the output tail if the process is still running after `timeoutMs`. */
  async exitWithin(timeoutMs: number): Promise<ExitInfo> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    const exit = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (!exit) throw new Error(`patchbay still running after ${timeoutMs} ms:\n${this.tail()}`);
    return exit;
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  /** The last part of the output, for failure messages. */
  tail(chars = 4000): string {
    return `--- stdout\n${this.#stdout.slice(-chars)}\n--- stderr\n${this.#stderr.slice(-chars)}`;
  }

  /** SIGKILL if still running, then wait for the exit. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  async cleanup(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls `url` until it answers `status` (connection errors count as "not yet"). */
export async function waitForHttpStatus(url: string, status: number, timeoutMs = 60000): Promise<Response> {
  return waitFor(
    async () => {
      try {
        const res = await fetch(url);
        if (res.status === status) return res;
        await res.body?.cancel();
      } catch {
        // not listening yet
      }
      return undefined;
    },
    { timeoutMs, intervalMs: 100, what: `${url} → ${status}` },
  );
}
