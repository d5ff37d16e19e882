/**
 * Kamailio 5.6 as presence server (PUBLISH / SUBSCRIBE / NOTIFY, RFC 3903 / 6665 / 3856) and
 * registrar on a free loopback port, for end-to-end tests. Each instance has its own temp dir
 * (config, database, pid file, control socket); `restart()` keeps port and database, so published
 * presence survives while (by default) subscriptions do not — as after a real server restart.
 *
 * Lifecycle (one transition function): stopped → starting → running → stopping → stopped.
 * start() spawns `kamailio -DD -E` (foreground, workers forked, log on stderr) and resolves once
 * its UDP and TCP sockets show up in /proc/net; stop() sends SIGTERM to the main process (workers
 * exit with it), waits for the exit and the ports to close, then SIGKILL as a last resort.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test-support/ports.js';
import { requireProgram } from '../../test-support/programs.js';
import { waitFor } from '../../test-support/wait.js';
import { findModulesDir, prepareDatabase, renderConfig } from './kamailio/config.js';
import type { KamailioDb } from './kamailio/config.js';
import { isListening } from './port-listening.js';

export type { KamailioDb } from './kamailio/config.js';

export interface KamailioOptions {
  /** SIP port (UDP and TCP on 127.0.0.1); a free one by default. */
  port?: number;
  /** db_text (default) or db_sqlite. */
  db?: KamailioDb;
  /** Keep subscriptions across restarts (presence subs_db_mode 2); default false (mode 0). */
  persistSubscriptions?: boolean;
  program?: string;
  modulesDir?: string;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** Keep the temp dir after stop (also with KAMAILIO_KEEP=1), for reading the log and DB. */
  keepDir?: boolean;
}

export type KamailioState = 'stopped' | 'starting' | 'running' | 'stopping';

const MOVES: Readonly<Record<KamailioState, readonly KamailioState[]>> = {
  stopped: ['starting'],
  starting: ['running', 'stopping', 'stopped'],
  running: ['stopping', 'stopped'],
  stopping: ['stopped'],
};

const LOG_TAIL_BYTES = 65536;

/** requireProgram('kamailio'): its path, or a skip reason (throws under CI=true). */
export function requireKamailio(): { path: string } | { skip: string } {
  return requireProgram('kamailio');
}

/** Every live instance, killed if the test process exits without stopping them. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export class KamailioServer {
  readonly port: number;
  readonly dir: string;
  readonly #opts: KamailioOptions;
  #state: KamailioState = 'stopped';
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #log = '';
  #starts = 0;

  private constructor(port: number, dir: string, opts: KamailioOptions) {
    this.port = port;
    this.dir = dir;
    this.#opts = opts;
  }

  /** Creates the instance's files and starts it. */
  static async start(opts: KamailioOptions = {}): Promise<KamailioServer> {
    const port = opts.port ?? (await freePort('127.0.0.1'));
    const dir = mkdtempSync(join(tmpdir(), 'kamailio-'));
    const modulesDir = opts.modulesDir ?? findModulesDir();
    if (!modulesDir) throw new Error('kamailio modules (presence.so) not found');
    const db = opts.db ?? 'text';
    prepareDatabase(dir, db);
    const cfg = renderConfig({
      port,
      dir,
      db,
      persistSubscriptions: opts.persistSubscriptions ?? false,
      modulesDir,
    });
    writeFileSync(join(dir, 'kamailio.cfg'), cfg);
    const server = new KamailioServer(port, dir, opts);
    await server.start();
    return server;
  }

  get state(): KamailioState {
    return this.#state;
  }

  /** `sip:127.0.0.1:<port>`: the server's address (outbound proxy / presence server). */
  get uri(): string {
    return `sip:127.0.0.1:${this.port}`;
  }

  /** `127.0.0.1:<port>`, the hostport of presentity URIs on this server. */
  get hostport(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** How many times the process was started (1 after start, 2 after one restart…). */
  get starts(): number {
    return this.#starts;
  }

  /** The tail of Kamailio's log (stderr) across all runs of this instance. */
  logTail(): string {
    return this.#log;
  }

  #move(to: KamailioState): void {
    if (!MOVES[this.#state].includes(to))
      throw new Error(`kamailio cannot move from ${this.#state} to ${to}`);
    this.#state = to;
  }

  #append(chunk: Buffer): void {
    this.#log = (this.#log + chunk.toString()).slice(-LOG_TAIL_BYTES);
  }

  async start(): Promise<void> {
    this.#move('starting');
    this.#starts++;
    const args = ['-f', join(this.dir, 'kamailio.cfg'), '-DD', '-E', '-m', '64', '-M', '8'];
    args.push('-Y', this.dir, '-P', join(this.dir, 'kamailio.pid'));
    const child = spawn(this.#opts.program ?? 'kamailio', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    live.add(child);
    child.stdout.on('data', (d: Buffer) => this.#append(d));
    child.stderr.on('data', (d: Buffer) => this.#append(d));
    this.#exited = new Promise((resolve) => {
      child.once('close', () => {
        live.delete(child);
        if (this.#child === child && this.#state !== 'stopped') this.#move('stopped');
        resolve();
      });
      child.once('error', (e) => this.#append(Buffer.from(`\nspawn error: ${e.message}\n`)));
    });
    try {
      await waitFor(
        async () => {
          if (this.#state === 'stopped') throw new Error('kamailio exited while starting');
          return (await isListening(this.port, 'udp')) && (await isListening(this.port, 'tcp'));
        },
        { timeoutMs: this.#opts.startTimeoutMs ?? 10000, what: `kamailio listening on ${this.port}` },
      );
    } catch (err) {
      await this.stop();
      throw new Error(`kamailio did not start: ${String(err)}\n--- log tail ---\n${this.#log.slice(-4000)}`, {
        cause: err,
      });
    }
    this.#move('running');
  }

  /** SIGTERM, wait for the exit and for the port to close; SIGKILL if it lingers. Idempotent. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || this.#state === 'stopped') return this.#cleanup();
    this.#move('stopping');
    child.kill('SIGTERM');
    const timeoutMs = this.#opts.stopTimeoutMs ?? 5000;
    const exited = await Promise.race([this.#exited.then(() => true), delay(timeoutMs).then(() => false)]);
    if (!exited) {
      child.kill('SIGKILL');
      await this.#exited;
    }
    // Workers hold the sockets too; the port is free again only once every process is gone.
    await waitFor(
      async () => !(await isListening(this.port, 'udp')) && !(await isListening(this.port, 'tcp')),
      {
        timeoutMs,
        what: `kamailio port ${this.port} released`,
      },
    );
    this.#cleanup();
  }

  /** Stop, then start again on the same port with the same database. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stops the server and removes its temp dir (unless kept). */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.#opts.keepDir || process.env.KAMAILIO_KEEP === '1') return;
    rmSync(this.dir, { recursive: true, force: true });
  }

  #cleanup(): void {
    this.#child = undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Starts an instance; `KamailioServer.start` under a shorter name. */
export function startKamailio(opts: KamailioOptions = {}): Promise<KamailioServer> {
  return KamailioServer.start(opts);
}
