/**
 * Runs the SIP engine in its own Node process (engine-child.ts) and talks to it over IPC: the real
 * bound ports, engine stats, memory after GC, and a clean stop. Used by bench/engine.ts and the
 * hostile-input tests, where the engine must be measured (and may crash) apart from the test.
 *
 * Lifecycle: starting → running → stopping → exited (exited is reachable from every state).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EngineConfig } from '../sip-engine/config.js';
import { DEFAULT_ENGINE_CONFIG } from '../sip-engine/config.js';
import type { EngineStats } from '../sip-engine/engine.js';
import type { ChildReply, ChildRequest, EndpointInfo, MemorySample } from './engine-protocol.js';
import { isChildReply } from './engine-protocol.js';

export type { EndpointInfo, MemorySample } from './engine-protocol.js';

export type EngineProcessState = 'starting' | 'running' | 'stopping' | 'exited';

const MOVES: Record<EngineProcessState, readonly EngineProcessState[]> = {
  starting: ['running', 'exited'],
  running: ['stopping', 'exited'],
  stopping: ['exited'],
  exited: [],
};

export class EngineProcessError extends Error {
  override readonly name = 'EngineProcessError';
  constructor(
    readonly code: 'start-failed' | 'not-running' | 'timeout' | 'child-error' | 'illegal-transition',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface SpawnEngineOptions {
  /** Extra node flags for the child (e.g. `--cpu-prof`). `--expose-gc --import tsx` are always set. */
  execArgv?: string[];
  readyTimeoutMs?: number;
  /** Keep at most this many characters of the child's stderr/stdout (default 16 KiB). */
  outputTailChars?: number;
}

/**
 * An EngineConfig on loopback for tests and benchmarks: the defaults, with the given SIP contacts
 * and admin port (0 = the OS picks), and any overrides.
 */
export function loopbackEngineConfig(
  contacts: readonly string[],
  adminPort: number,
  overrides: Partial<Omit<EngineConfig, 'contacts' | 'admin'>> = {},
): EngineConfig {
  return {
    ...DEFAULT_ENGINE_CONFIG,
    ...overrides,
    contacts: contacts.map((uri) => ({ uri })),
    admin: { address: '127.0.0.1', port: adminPort, secret: 'cymru' },
  };
}

const CHILD = fileURLToPath(new URL('./engine-child.ts', import.meta.url));

export class EngineProcess {
  #state: EngineProcessState = 'starting';
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #tail = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  adminPort = 0;
  endpoints: EndpointInfo[] = [];
  childPid = 0;

  private constructor(
    private readonly child: ChildProcess,
    private readonly tailChars: number,
  ) {
    const keep = (d: Buffer): void => {
      this.#tail = (this.#tail + d.toString('utf8')).slice(-this.tailChars);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#move('exited');
        for (const p of this.#pending.values())
          p.reject(new EngineProcessError('not-running', 'engine process exited'));
        this.#pending.clear();
        resolve({ code, signal });
      });
    });
    child.on('message', (m: unknown) => {
      if (isChildReply(m) && m.type === 'reply') this.#settle(m);
    });
  }

  /** Starts the engine process and resolves once it reports its bound ports. */
  static async spawn(config: EngineConfig, opts: SpawnEngineOptions = {}): Promise<EngineProcess> {
    const child = spawn(
      process.execPath,
      [...(opts.execArgv ?? []), '--expose-gc', '--import', 'tsx', CHILD],
      {
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: { ...process.env, PATCHBAY_ENGINE_CONFIG: JSON.stringify(config) },
      },
    );
    const ep = new EngineProcess(child, opts.outputTailChars ?? 16384);
    await ep.#awaitReady(opts.readyTimeoutMs ?? 20000);
    return ep;
  }

  get state(): EngineProcessState {
    return this.#state;
  }

  /** True while the child process has not exited. */
  alive(): boolean {
    return this.#state !== 'exited';
  }

  /** The last characters the child wrote to stdout/stderr (for failure messages). */
  outputTail(): string {
    return this.#tail;
  }

  /** The bound port of the first endpoint of `protocol`. */
  port(protocol: string): number {
    const e = this.endpoints.find((x) => x.protocol === protocol);
    if (!e) throw new EngineProcessError('not-running', `engine has no ${protocol} endpoint`);
    return e.port;
  }

  memory(gc = true): Promise<MemorySample> {
    return this.#ask({ op: 'memory', id: 0, gc }) as Promise<MemorySample>;
  }

  stats(): Promise<EngineStats> {
    return this.#ask({ op: 'stats', id: 0 }) as Promise<EngineStats>;
  }

  /** Asks the engine to stop, then waits for the process to exit (SIGKILL after `timeoutMs`). */
  async stop(timeoutMs = 10000): Promise<void> {
    if (this.#state === 'exited') return;
    if (this.#state === 'running') {
      this.#move('stopping');
      this.#ask({ op: 'stop', id: 0 }, timeoutMs).catch(() => undefined);
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  #move(to: EngineProcessState): void {
    if (this.#state === to) return;
    if (!MOVES[this.#state].includes(to)) {
      throw new EngineProcessError('illegal-transition', `engine process: ${this.#state} → ${to}`);
    }
    this.#state = to;
  }

  #ask(req: ChildRequest, timeoutMs = 15000): Promise<unknown> {
    if (this.#state === 'exited' || !this.child.connected) {
      return Promise.reject(new EngineProcessError('not-running', 'engine process is not running'));
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new EngineProcessError('timeout', `engine process did not answer '${req.op}' in ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const done =
        <T>(fn: (v: T) => void) =>
        (v: T) => {
          clearTimeout(timer);
          fn(v);
        };
      this.#pending.set(id, { resolve: done(resolve), reject: done(reject) });
      this.child.send({ ...req, id });
    });
  }

  #settle(m: Extract<ChildReply, { type: 'reply' }>): void {
    const p = this.#pending.get(m.id);
    if (!p) return;
    this.#pending.delete(m.id);
    if ('error' in m) p.reject(new EngineProcessError('child-error', m.error));
    else p.resolve(m.value);
  }

  #awaitReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer);
        this.child.kill('SIGKILL');
        reject(new EngineProcessError('start-failed', `${why}\n${this.#tail}`));
      };
      const timer = setTimeout(() => fail(`engine process not ready in ${timeoutMs} ms`), timeoutMs);
      const onExit = (code: number | null): void =>
        fail(`engine process exited during start (code ${String(code)})`);
      this.child.once('exit', onExit);
      this.child.on('message', (m: unknown) => {
        if (!isChildReply(m)) return;
        if (m.type === 'failed') fail(`engine failed to start: ${m.message}`);
        if (m.type !== 'ready') return;
        clearTimeout(timer);
        this.child.off('exit', onExit);
        this.adminPort = m.adminPort;
        this.endpoints = m.endpoints;
        this.childPid = m.pid;
        this.#move('running');
        resolve();
      });
    });
  }
}
