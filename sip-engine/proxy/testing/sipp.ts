/**
 * Runs SIPp for the proxy's end-to-end tests: one process per scenario, one call (`-m 1`), a global
 * timeout so a stuck scenario fails instead of hanging, and a kill on teardown. The exit code says
 * whether the call went as scripted (0 = success).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

export const SCENARIOS = fileURLToPath(new URL('./scenarios/', import.meta.url));

export interface SippResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

export interface SippOptions {
  sipp: string;
  scenario: string;
  localPort: number;
  mediaPort: number;
  /** `host:port` to send to (UAC scenarios). */
  remote?: string;
  timeoutS?: number;
  keys?: Record<string, string>;
}

export class SippProcess {
  readonly done: Promise<SippResult>;
  readonly #child: ChildProcess;
  #output = '';

  constructor(opts: SippOptions) {
    const args = [
      '-sf',
      `${SCENARIOS}${opts.scenario}`,
      '-i',
      '127.0.0.1',
      '-p',
      String(opts.localPort),
      '-mp',
      String(opts.mediaPort),
      '-m',
      '1',
      '-nostdin',
      '-timeout',
      `${opts.timeoutS ?? 20}s`,
      '-timeout_error',
    ];
    for (const [k, v] of Object.entries(opts.keys ?? {})) args.push('-key', k, v);
    if (opts.remote) args.push(opts.remote);
    this.#child = spawn(opts.sipp, args, { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (b: Buffer): void => {
      this.#output = (this.#output + b.toString('utf8')).slice(-20000);
    };
    this.#child.stdout?.on('data', keep);
    this.#child.stderr?.on('data', keep);
    this.done = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => resolve({ code, signal, output: this.#output }));
    });
  }

  /** Kills the process if still running and waits for it to exit. */
  async stop(): Promise<SippResult> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    return this.done;
  }
}
