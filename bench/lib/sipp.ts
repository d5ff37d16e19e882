/**
 * Runs SIPp for the engine benchmark and reads back what it measured: the final cumulative row of
 * its statistics CSV (-trace_stat) and every response time it traced (-trace_rtt, 1 ms resolution).
 * Each run works in its own temporary directory, which is removed afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SippRunOptions {
  sipp: string;
  scenario: string;
  /** `127.0.0.1:5060` for a UAC; undefined for a UAS. */
  remote?: string;
  localPort: number;
  /** Request-URI user ([service]). */
  service?: string;
  /** Calls per second (UAC). */
  rate?: number;
  /** Stop after this many calls (UAC). */
  maxCalls?: number;
  /** Max simultaneous calls. */
  limit?: number;
  /** Length of the scenario's <pause/> in ms. */
  pauseMs?: number;
  /** SIPp is killed (SIGKILL) after this long; its results so far are still read. */
  killAfterMs: number;
  /** Seconds between stat rows (default 1). */
  statEverySeconds?: number;
}

export interface SippStats {
  successfulCalls: number;
  failedCalls: number;
  retransmissions: number;
  currentCalls: number;
  outOfCallMessages: number;
  deadCallMessages: number;
  failedMaxUdpRetrans: number;
  failedUnexpectedMessage: number;
  failedTimeoutOnRecv: number;
  watchdogMajor: number;
}

export interface SippResult {
  exitCode: number | null;
  killed: boolean;
  stats: SippStats | undefined;
  /** Response times in ms by RTD number ("1" = INVITE→200, "2" = BYE→200). */
  rtt: Map<string, number[]>;
  /** Seconds from SIPp's start to the first stat row where every call had been created (±1 s). */
  placedSeconds: number | undefined;
  stderr: string;
  wallMs: number;
}

const COLUMNS: Record<keyof SippStats, string> = {
  successfulCalls: 'SuccessfulCall(C)',
  failedCalls: 'FailedCall(C)',
  retransmissions: 'Retransmissions(C)',
  currentCalls: 'CurrentCall',
  outOfCallMessages: 'OutOfCallMsgs(C)',
  deadCallMessages: 'DeadCallMsgs(C)',
  failedMaxUdpRetrans: 'FailedMaxUDPRetrans(C)',
  failedUnexpectedMessage: 'FailedUnexpectedMessage(C)',
  failedTimeoutOnRecv: 'FailedTimeoutOnRecv(C)',
  watchdogMajor: 'WatchdogMajor(C)',
};

/** The last row of a SIPp stat CSV as counters (undefined when SIPp wrote no row). */
export function parseStatCsv(text: string): SippStats | undefined {
  const rows = text.split('\n').filter((l) => l.trim() !== '');
  const header = rows[0]?.split(';');
  const last = rows.length > 1 ? rows[rows.length - 1]?.split(';') : undefined;
  if (!header || !last) return undefined;
  const value = (col: string): number => {
    const i = header.indexOf(col);
    const n = Number(i >= 0 ? last[i] : NaN);
    return Number.isFinite(n) ? n : 0;
  };
  const out = {} as SippStats;
  for (const [key, col] of Object.entries(COLUMNS) as [keyof SippStats, string][]) out[key] = value(col);
  return out;
}

/** SIPp time stamps look like `2026-11-23<TAB>11:02:14.223779<TAB>1795431734.223779`. */
function epochOf(stamp: string | undefined): number {
  return Number(stamp?.split('\t')[2] ?? NaN);
}

/** When (seconds after start) the stat rows first show `calls` calls created. */
export function placementSeconds(text: string, calls: number): number | undefined {
  const rows = text.split('\n').filter((l) => l.trim() !== '');
  const header = rows[0]?.split(';') ?? [];
  const [start, now, created] = ['StartTime', 'CurrentTime', 'TotalCallCreated'].map((c) =>
    header.indexOf(c),
  );
  for (const row of rows.slice(1)) {
    const f = row.split(';');
    if (Number(f[created ?? -1]) < calls) continue;
    const s = epochOf(f[now ?? -1]) - epochOf(f[start ?? -1]);
    return Number.isFinite(s) ? Number(s.toFixed(2)) : undefined;
  }
  return undefined;
}

/** `Date_ms;response_time_ms;rtd_no` rows → response times grouped by RTD. */
export function parseRttCsv(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of text.split('\n')) {
    const [, ms, rtd] = line.trim().split(';');
    const v = Number(ms);
    if (rtd === undefined || !Number.isFinite(v) || ms === '') continue;
    const list = out.get(rtd) ?? [];
    list.push(v);
    out.set(rtd, list);
  }
  return out;
}

function argsFor(o: SippRunOptions): string[] {
  const args = o.remote ? [o.remote] : [];
  args.push('-sf', o.scenario, '-i', '127.0.0.1', '-p', String(o.localPort), '-t', 'u1', '-nostdin');
  args.push('-trace_stat', '-stf', 'stat.csv', '-fd', String(o.statEverySeconds ?? 1));
  args.push('-trace_rtt', '-rtt_freq', '100', '-watchdog_major_maxtriggers', '100000');
  if (o.service) args.push('-s', o.service);
  if (o.rate !== undefined) args.push('-r', String(o.rate), '-rp', '1000');
  if (o.maxCalls !== undefined) args.push('-m', String(o.maxCalls));
  if (o.limit !== undefined) args.push('-l', String(o.limit));
  if (o.pauseMs !== undefined) args.push('-d', String(o.pauseMs));
  if (o.remote) args.push('-recv_timeout', '10000');
  return args;
}

function readResults(
  dir: string,
  calls: number | undefined,
): Pick<SippResult, 'stats' | 'rtt' | 'placedSeconds'> {
  const files = readdirSync(dir);
  const stat = files.includes('stat.csv') ? readFileSync(join(dir, 'stat.csv'), 'utf8') : '';
  const rttFile = files.find((f) => f.endsWith('_rtt.csv'));
  const rtt = rttFile ? parseRttCsv(readFileSync(join(dir, rttFile), 'utf8')) : new Map<string, number[]>();
  const placedSeconds = calls === undefined ? undefined : placementSeconds(stat, calls);
  return { stats: parseStatCsv(stat), rtt, placedSeconds };
}

/** A running SIPp: `done` resolves with its results once it exits (or is stopped/killed). */
export interface SippRun {
  readonly pid: number | undefined;
  /** Asks SIPp to end (SIGUSR1 = stop placing calls and quit when calls end; then SIGKILL). */
  stop(graceMs?: number): Promise<SippResult>;
  readonly done: Promise<SippResult>;
}

export function startSipp(o: SippRunOptions): SippRun {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-sipp-'));
  const started = Date.now();
  const child = spawn(o.sipp, argsFor(o), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  let killed = false;
  const kill = (): void => {
    killed = true;
    child.kill('SIGKILL');
  };
  const timer = setTimeout(kill, o.killAfterMs);
  const done = new Promise<SippResult>((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      const results = readResults(dir, o.maxCalls);
      rmSync(dir, { recursive: true, force: true });
      resolve({ exitCode: code, killed, ...results, stderr, wallMs: Date.now() - started });
    });
  });
  return {
    pid: child.pid,
    done,
    stop: (graceMs = 3000) => {
      child.kill('SIGUSR1');
      const t = setTimeout(kill, graceMs);
      return done.finally(() => clearTimeout(t));
    },
  };
}
