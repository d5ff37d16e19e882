/**
 * Runs SIPp (Debian sip-tester, /usr/bin/sipp) as a child process in the foreground (-nostdin) with
 * a scenario from sip-tests/scenarios (or any path), a hard timeout, and a parsed result read from
 * the -trace_stat CSV, the -trace_screen scenario screen and the -trace_err log.
 *
 * Lifecycle (one transition function): starting → running → stopping → exited. stop() sends SIGUSR1
 * (sipp places no new call, lets current ones end, writes its statistics), then SIGTERM (sipp exits
 * at once, statistics still written), then SIGKILL; the timeout starts at SIGTERM. A UAS is
 * "listening" once its port shows up in /proc/net (see port-listening.ts).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireProgram } from '../../test-support/programs.js';
import { waitFor } from '../../test-support/wait.js';
import { isListening } from './port-listening.js';
import { buildSippArgs } from './sipp-args.js';
import type { SippOptions } from './sipp-args.js';
import { counter, parseScenarioScreen, parseStatCsv } from './sipp-results.js';
import type { SippStep } from './sipp-results.js';

export type { SippOptions, SippTransport } from './sipp-args.js';
export type { SippStep } from './sipp-results.js';

export const SCENARIO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');

/** Absolute path of a scenario: a bare name ("uac-invite-bye") is looked up in sip-tests/scenarios. */
export function scenarioPath(nameOrPath: string): string {
  if (isAbsolute(nameOrPath)) return nameOrPath;
  if (!nameOrPath.includes('/'))
    return join(SCENARIO_DIR, nameOrPath.endsWith('.xml') ? nameOrPath : `${nameOrPath}.xml`);
  return resolve(nameOrPath);
}

/** requireProgram('sipp'): the path, or a skip reason (throws under CI=true). */
export function requireSipp(): { path: string } | { skip: string } {
  return requireProgram('sipp');
}

export interface SippResult {
  /** sipp's exit code: 0 all calls succeeded, 1 some failed, 97 internal exit, 99 no call processed, 255/254 fatal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The harness timeout fired and the process was stopped (sipp may still exit 0 then). */
  timedOut: boolean;
  /** exitCode 0, not timed out, no failed call. */
  passed: boolean;
  successful: number;
  failed: number;
  retransmissions: number;
  callsCreated: number;
  outgoingCalls: number;
  incomingCalls: number;
  unexpectedMessages: number;
  timeoutsOnRecv: number;
  outOfCallMessages: number;
  deadCallMessages: number;
  /** Every non-zero cumulative Failed*(C) counter, e.g. { FailedUnexpectedMessage: 1 }. */
  failures: Record<string, number>;
  /** Cumulative columns of the statistics CSV's last row. */
  stats: Record<string, string>;
  steps: SippStep[];
  /** Contents of the -trace_err log (unexpected messages, errors). */
  errors: string;
  screen: string;
  stdoutTail: string;
  stderrTail: string;
  args: readonly string[];
  durationMs: number;
  /** Kept only with keepFiles / SIPP_KEEP=1. */
  workDir: string | undefined;
}

export type SippState = 'starting' | 'running' | 'stopping' | 'exited';

const MOVES: Readonly<Record<SippState, readonly SippState[]>> = {
  starting: ['running', 'exited'],
  running: ['stopping', 'exited'],
  stopping: ['exited'],
  exited: [],
};

const TAIL_BYTES = 16384;

function readOr(path: string, fallback = ''): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

export class SippProcess {
  readonly args: readonly string[];
  readonly options: Readonly<SippOptions>;
  /** Resolves once sipp has exited (never rejects). */
  readonly done: Promise<SippResult>;
  #state: SippState = 'starting';
  #child: ChildProcess;
  #workDir: string;
  #timedOut = false;
  #stdout = '';
  #stderr = '';
  #timers: NodeJS.Timeout[] = [];
  #started = performance.now();

  constructor(options: SippOptions) {
    this.options = options;
    this.#workDir = mkdtempSync(join(tmpdir(), 'sipp-'));
    this.args = buildSippArgs({ ...options, scenario: scenarioPath(options.scenario) }, this.#workDir);
    this.#child = spawn(options.program ?? 'sipp', this.args, {
      cwd: this.#workDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child.stdout?.on(
      'data',
      (d: Buffer) => (this.#stdout = (this.#stdout + d.toString()).slice(-TAIL_BYTES)),
    );
    this.#child.stderr?.on(
      'data',
      (d: Buffer) => (this.#stderr = (this.#stderr + d.toString()).slice(-TAIL_BYTES)),
    );
    this.done = new Promise((resolveDone) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.#state === 'exited') return;
        this.#move('exited');
        for (const t of this.#timers) clearTimeout(t);
        resolveDone(this.#collect(code, signal));
      };
      this.#child.once('error', (e) => {
        this.#stderr += `\nspawn error: ${e.message}`;
        if (this.#child.pid === undefined) finish(null, null);
      });
      this.#child.once('close', finish);
    });
    this.#move('running');
    const timer = setTimeout(() => {
      this.#timedOut = true;
      this.#terminate();
    }, options.timeoutMs ?? 30000);
    this.#timers.push(timer);
  }

  get state(): SippState {
    return this.#state;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  #move(to: SippState): void {
    if (this.#state === to) return;
    if (!MOVES[this.#state].includes(to)) throw new Error(`sipp: illegal transition ${this.#state} → ${to}`);
    this.#state = to;
  }

  /** Resolves when the local port is bound (UDP) or listening (TCP); rejects if sipp exits first. */
  async listening(timeoutMs = 5000): Promise<void> {
    const port = this.options.localPort;
    if (port === undefined) throw new Error('sipp: listening() needs options.localPort');
    const protocol = (this.options.transport ?? 'u1').startsWith('t') ? 'tcp' : 'udp';
    await waitFor(
      async () => {
        if (this.#state === 'exited')
          throw new Error(`sipp exited before listening: ${this.#stderr || this.#stdout.slice(-2000)}`);
        return isListening(port, protocol, this.options.localHost ?? '127.0.0.1');
      },
      { timeoutMs, intervalMs: 20, what: `sipp listening on ${protocol}/${port}` },
    );
  }

  /**
   * Graceful stop: SIGUSR1 (sipp places no new call and exits once current calls end), then SIGTERM
   * after graceMs/2 (sipp exits at once, statistics still written), SIGKILL after graceMs.
   */
  async stop(graceMs = 3000): Promise<SippResult> {
    if (this.#state === 'running') {
      this.#move('stopping');
      this.#signalLadder(['SIGUSR1', 'SIGTERM', 'SIGKILL'], graceMs / 2);
    }
    return this.done;
  }

  /** Stop now (the harness timeout): SIGTERM, SIGKILL 2 s later. */
  #terminate(): void {
    if (this.#state !== 'running') return;
    this.#move('stopping');
    this.#signalLadder(['SIGTERM', 'SIGKILL'], 2000);
  }

  #signalLadder(signals: readonly NodeJS.Signals[], stepMs: number): void {
    signals.forEach((sig, i) => {
      if (i === 0) this.#child.kill(sig);
      else this.#timers.push(setTimeout(() => this.#child.kill(sig), stepMs * i));
    });
  }

  #collect(code: number | null, signal: NodeJS.Signals | null): SippResult {
    const dir = this.#workDir;
    const stats = parseStatCsv(readOr(join(dir, 'stat.csv')));
    const failures: Record<string, number> = {};
    for (const key of Object.keys(stats)) {
      const m = /^(Failed\w+)\(C\)$/.exec(key);
      if (m?.[1] && counter(stats, m[1]) > 0) failures[m[1]] = counter(stats, m[1]);
    }
    const screen = readOr(join(dir, 'screen.log'));
    const keep = this.options.keepFiles === true || process.env.SIPP_KEEP === '1';
    const result: SippResult = {
      exitCode: code,
      signal,
      timedOut: this.#timedOut,
      passed: code === 0 && !this.#timedOut && counter(stats, 'FailedCall') === 0,
      successful: counter(stats, 'SuccessfulCall'),
      failed: counter(stats, 'FailedCall'),
      retransmissions: counter(stats, 'Retransmissions'),
      callsCreated: counter(stats, 'TotalCallCreated'),
      outgoingCalls: counter(stats, 'OutgoingCall'),
      incomingCalls: counter(stats, 'IncomingCall'),
      unexpectedMessages: counter(stats, 'FailedUnexpectedMessage'),
      timeoutsOnRecv: counter(stats, 'FailedTimeoutOnRecv'),
      outOfCallMessages: counter(stats, 'OutOfCallMsgs'),
      deadCallMessages: counter(stats, 'DeadCallMsgs'),
      failures,
      stats,
      steps: parseScenarioScreen(screen),
      errors: readOr(join(dir, 'errors.log')),
      screen,
      stdoutTail: this.#stdout,
      stderrTail: this.#stderr,
      args: this.args,
      durationMs: Math.round(performance.now() - this.#started),
      workDir: keep ? dir : undefined,
    };
    if (!keep) rmSync(dir, { recursive: true, force: true });
    return result;
  }
}

/** Starts sipp; for a UAS (options.localPort set, no remote) waits until it listens. */
export async function startSipp(options: SippOptions): Promise<SippProcess> {
  const p = new SippProcess(options);
  if (options.remote === undefined && options.localPort !== undefined) {
    try {
      await p.listening();
    } catch (e) {
      await p.stop(500);
      throw e;
    }
  }
  return p;
}

/** Runs sipp to completion (or until timeoutMs) and returns the parsed result. */
export async function runSipp(options: SippOptions): Promise<SippResult> {
  return new SippProcess(options).done;
}

/** One-line summary for assertion messages. */
export function describeResult(r: SippResult): string {
  const fails = Object.entries(r.failures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const err = r.errors.trim().split('\n').slice(-6).join(' | ');
  return `exit=${r.exitCode ?? r.signal} ok=${r.successful} failed=${r.failed} retrans=${r.retransmissions}${r.timedOut ? ' TIMED OUT' : ''}${fails ? ` ${fails}` : ''}${err ? ` errors: ${err}` : ''}${r.stderrTail && r.exitCode !== 0 ? ` stderr: ${r.stderrTail.slice(-500)}` : ''}`;
}
