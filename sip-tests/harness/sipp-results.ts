/**
 * Reading what a finished sipp run left behind: the `-trace_stat` CSV (cumulative counters of the
 * last row) and the `-trace_screen` scenario screen (per-step message counts).
 */

/** The last row of a sipp statistics CSV as column → value (";"-separated, header in the first row). */
export function parseStatCsv(text: string): Record<string, string> {
  const rows = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const header = rows[0]?.split(';') ?? [];
  const last = rows.length > 1 ? (rows[rows.length - 1]?.split(';') ?? []) : [];
  const out: Record<string, string> = {};
  header.forEach((name, i) => {
    if (name) out[name] = last[i] ?? '';
  });
  return out;
}

/** A cumulative counter, e.g. counter(stats, 'SuccessfulCall') reads "SuccessfulCall(C)". */
export function counter(stats: Record<string, string>, name: string): number {
  const v = stats[`${name}(C)`] ?? stats[name];
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : 0;
}

export interface SippStep {
  /** Method, status code, "Pause", "Nop"... as shown on the screen. */
  label: string;
  /** sent / received by this sipp instance; other for pauses and the like. */
  direction: 'sent' | 'received' | 'other';
  messages: number;
  retransmissions: number;
  timeouts: number;
  unexpected: number;
}

const NUM = /\d+/g;

function numbers(s: string): number[] {
  return (s.replace(/[EB]-RTD\d+/g, '').match(NUM) ?? []).map(Number);
}

/** One scenario-screen line: "INVITE ---------->  3 0 0" (UAC layout) or "----------> INVITE  3 0" (UAS). */
function parseStepLine(line: string): SippStep | undefined {
  const trimmed = line.trim();
  const uac = /^(\S+) (-+>|<-+)(.*)$/.exec(trimmed);
  const uas = /^(-+>|<-+) (\S+)(.*)$/.exec(trimmed);
  const pause = /^(?:(Pause|Nop) \[[^\]]*\]|\[[^\]]*\] (Pause|Nop))(.*)$/.exec(trimmed);
  let label: string;
  let direction: SippStep['direction'];
  let rest: string;
  if (uac) {
    [, label = '', , rest = ''] = uac;
    direction = uac[2]?.endsWith('>') ? 'sent' : 'received';
  } else if (uas) {
    [, , label = '', rest = ''] = uas;
    direction = uas[1]?.endsWith('>') ? 'received' : 'sent';
  } else if (pause) {
    label = pause[1] ?? pause[2] ?? 'Pause';
    direction = 'other';
    rest = pause[3] ?? '';
  } else return undefined;
  const [messages = 0, retransmissions = 0, timeouts = 0, unexpected = 0] = numbers(rest);
  return { label, direction, messages, retransmissions, timeouts, unexpected };
}

/** Steps of the first "Scenario Screen" in a `-trace_screen` file. */
export function parseScenarioScreen(text: string): SippStep[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /Messages\s+Retrans\s+Timeout\s+Unexpected-Msg/.test(l));
  if (start < 0) return [];
  const steps: SippStep[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('-------')) break;
    const step = parseStepLine(line);
    if (step) steps.push(step);
  }
  return steps;
}
