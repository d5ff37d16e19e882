/**
 * sipp command-line options (see `sipp -h`) and their translation into an argument list. Trace files
 * always go to the run's work directory under fixed names read back by sipp.ts.
 */
import { join } from 'node:path';

/** -t: u1 one UDP socket, un one per call, t1 one TCP connection, tn one per call, l1/ln TLS. */
export type SippTransport = 'u1' | 'un' | 't1' | 'tn' | 'l1' | 'ln';

export interface SippOptions {
  /** Scenario name in sip-tests/scenarios ("uac-invite-bye") or a path to an XML file. */
  scenario: string;
  /** host:port to send to (UAC); omit for a UAS. */
  remote?: string | undefined;
  /** -i: local address for Via/Contact/From and the bound socket (default 127.0.0.1). */
  localHost?: string | undefined;
  /** -p: local port (required to wait for a UAS to listen). */
  localPort?: number | undefined;
  /** -t (default u1). */
  transport?: SippTransport | undefined;
  /** -m: stop after this many calls. */
  calls?: number | undefined;
  /** -r: calls per rate period (default period 1 s). */
  rate?: number | undefined;
  /** -rp in milliseconds. */
  ratePeriodMs?: number | undefined;
  /** -l: most simultaneous calls. */
  maxConcurrent?: number | undefined;
  /** -lost: percentage of packets to drop on purpose. */
  lostPercent?: number | undefined;
  /** -s: user part of the Request-URI ([service], default "service"). */
  service?: string | undefined;
  /** -key name value: [name] keywords in the scenario. */
  keys?: Readonly<Record<string, string>> | undefined;
  /** -set name value: scenario variables. */
  vars?: Readonly<Record<string, string>> | undefined;
  /** -mp: local media (RTP echo) port. */
  mediaPort?: number | undefined;
  /** -recv_timeout in milliseconds: default timeout of every recv. */
  recvTimeoutMs?: number | undefined;
  /** -aa: answer INFO, NOTIFY, OPTIONS and UPDATE outside the scenario with 200. */
  autoAnswer?: boolean | undefined;
  /** -trace_msg into messages.log in the work directory (keep it with keepFiles). */
  traceMessages?: boolean | undefined;
  /** Hard limit: then SIGUSR1, and SIGKILL 3 s later (default 30000). */
  timeoutMs?: number | undefined;
  /** Keep the work directory (also with SIPP_KEEP=1). */
  keepFiles?: boolean | undefined;
  /** The sipp binary (default "sipp" on PATH). */
  program?: string | undefined;
  extraArgs?: readonly string[] | undefined;
}

function pair(flag: string, value: string | number | undefined): string[] {
  return value === undefined ? [] : [flag, String(value)];
}

export function buildSippArgs(o: SippOptions, workDir: string): string[] {
  const args: string[] = [];
  if (o.remote !== undefined) args.push(o.remote);
  args.push('-sf', o.scenario, '-i', o.localHost ?? '127.0.0.1', '-t', o.transport ?? 'u1', '-nostdin');
  args.push(...pair('-p', o.localPort), ...pair('-m', o.calls), ...pair('-r', o.rate));
  args.push(...pair('-rp', o.ratePeriodMs === undefined ? undefined : `${o.ratePeriodMs}ms`));
  args.push(...pair('-l', o.maxConcurrent), ...pair('-lost', o.lostPercent), ...pair('-s', o.service));
  args.push(
    ...pair('-mp', o.mediaPort),
    ...pair('-recv_timeout', o.recvTimeoutMs === undefined ? undefined : `${o.recvTimeoutMs}ms`),
  );
  for (const [k, v] of Object.entries(o.keys ?? {})) args.push('-key', k, v);
  for (const [k, v] of Object.entries(o.vars ?? {})) args.push('-set', k, v);
  if (o.autoAnswer) args.push('-aa');
  args.push('-trace_stat', '-stf', join(workDir, 'stat.csv'));
  args.push('-trace_screen', '-screen_file', join(workDir, 'screen.log'));
  args.push('-trace_err', '-error_file', join(workDir, 'errors.log'));
  if (o.traceMessages) args.push('-trace_msg', '-message_file', join(workDir, 'messages.log'));
  args.push(...(o.extraArgs ?? []));
  return args;
}
