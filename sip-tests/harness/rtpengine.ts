/**
 * rtpengine (Debian rtpengine-daemon 10.5, userspace only: `table = -1`) on loopback for tests.
 * Each instance has its own temp dir (config, pid file), a free ng port and its own block of
 * media ports. start() spawns it in the foreground and resolves once its log says "Startup
 * complete" and an ng ping answers; stop() sends SIGTERM, SIGKILL if it lingers.
 *
 * Lifecycle (one transition function): stopped → starting → running → stopping → stopped.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RtpengineServer } from '../../infra/rtpengine/index.js';
import { freePort } from '../../test-support/ports.js';
import { requireProgram } from '../../test-support/programs.js';
import { waitFor } from '../../test-support/wait.js';

export type RtpengineState = 'stopped' | 'starting' | 'running' | 'stopping';

const MOVES: Readonly<Record<RtpengineState, readonly RtpengineState[]>> = {
  stopped: ['starting'],
  starting: ['running', 'stopping', 'stopped'],
  running: ['stopping', 'stopped'],
  stopping: ['stopped'],
};

const LOG_TAIL_BYTES = 65536;
/** Media ports per instance (rtpengine takes 2 per stream side and skips busy ports). */
const MEDIA_PORTS = 200;

/** requireProgram('rtpengine'): its path, or a skip reason (throws under CI=true). */
export function requireRtpengine(): { path: string } | { skip: string } {
  return requireProgram('rtpengine');
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export interface RtpengineOptions {
  program?: string;
  startTimeoutMs?: number;
  /** Keep the temp dir after dispose (also with RTPENGINE_KEEP=1). */
  keepDir?: boolean;
}

export class RtpengineDaemon {
  readonly ngPort: number;
  readonly dir: string;
  readonly portMin: number;
  readonly #opts: RtpengineOptions;
  #state: RtpengineState = 'stopped';
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #log = '';

  private constructor(ngPort: number, portMin: number, dir: string, opts: RtpengineOptions) {
    this.ngPort = ngPort;
    this.portMin = portMin;
    this.dir = dir;
    this.#opts = opts;
  }

  static async start(opts: RtpengineOptions = {}): Promise<RtpengineDaemon> {
    const ngPort = await freePort('127.0.0.1');
    // A random even block in 36000–55999, below Linux's busiest ephemeral ports.
    const portMin = 36000 + 2 * Math.floor(Math.random() * ((20000 - MEDIA_PORTS) / 2));
    const dir = mkdtempSync(join(tmpdir(), 'rtpengine-'));
    writeFileSync(join(dir, 'rtpengine.conf'), renderConfig(ngPort, portMin));
    const d = new RtpengineDaemon(ngPort, portMin, dir, opts);
    await d.#start();
    return d;
  }

  /** `127.0.0.1:<ng port>`, as in `rtpengine.servers`. */
  get address(): string {
    return `127.0.0.1:${this.ngPort}`;
  }

  get state(): RtpengineState {
    return this.#state;
  }

  logTail(): string {
    return this.#log;
  }

  #move(to: RtpengineState): void {
    if (!MOVES[this.#state].includes(to))
      throw new Error(`rtpengine cannot move from ${this.#state} to ${to}`);
    this.#state = to;
  }

  async #start(): Promise<void> {
    this.#move('starting');
    const args = [
      `--config-file=${join(this.dir, 'rtpengine.conf')}`,
      `--pidfile=${join(this.dir, 'rtpengine.pid')}`,
    ];
    const child = spawn(this.#opts.program ?? 'rtpengine', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    live.add(child);
    const append = (d: Buffer): void => {
      this.#log = (this.#log + d.toString()).slice(-LOG_TAIL_BYTES);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    this.#exited = new Promise((resolve) => {
      child.once('close', () => {
        live.delete(child);
        if (this.#state !== 'stopped') this.#move('stopped');
        resolve();
      });
      child.once('error', (e) => append(Buffer.from(`\nspawn error: ${e.message}\n`)));
    });
    try {
      await this.#ready();
    } catch (err) {
      await this.stop();
      throw new Error(
        `rtpengine did not start: ${String(err)}\n--- log tail ---\n${this.#log.slice(-4000)}`,
        {
          cause: err,
        },
      );
    }
    this.#move('running');
  }

  /** "Startup complete" in the log, then an ng ping answered. */
  async #ready(): Promise<void> {
    const timeoutMs = this.#opts.startTimeoutMs ?? 30_000;
    await waitFor(
      () => {
        if (this.#state === 'stopped') throw new Error('rtpengine exited while starting');
        return this.#log.includes('Startup complete');
      },
      { timeoutMs, intervalMs: 20, what: 'rtpengine "Startup complete"' },
    );
    const ng = new RtpengineServer(this.address, { timeoutMs: 1000 });
    try {
      await waitFor(
        () =>
          ng.ping().then(
            () => true,
            () => false,
          ),
        { timeoutMs, what: 'rtpengine ng ping' },
      );
    } finally {
      ng.close();
    }
  }

  /** SIGTERM, then SIGKILL after 5 s. Idempotent. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || this.#state === 'stopped' || this.#state === 'stopping') return this.#exited;
    this.#move('stopping');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await this.#exited;
    clearTimeout(timer);
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (this.#opts.keepDir || process.env.RTPENGINE_KEEP === '1') return;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The fact sheet's working configuration (infra.md §3) on our ports. */
function renderConfig(ngPort: number, portMin: number): string {
  return [
    '[rtpengine]',
    'table = -1',
    'interface = 127.0.0.1',
    `listen-ng = 127.0.0.1:${ngPort}`,
    `port-min = ${portMin}`,
    `port-max = ${portMin + MEDIA_PORTS - 1}`,
    'timeout = 60',
    'foreground = true',
    'log-stderr = true',
    'log-level = 6',
    '',
  ].join('\n');
}

export function startRtpengine(opts: RtpengineOptions = {}): Promise<RtpengineDaemon> {
  return RtpengineDaemon.start(opts);
}
