/**
 * Reads a V8 `.cpuprofile` (written by `node --cpu-prof`) and lists where self time went: the top
 * functions (name, file:line) and the top source files, as percentages of all samples.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  hitCount?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface HotSpot {
  where: string;
  selfPercent: number;
}

export interface ProfileSummary {
  file: string;
  samples: number;
  /** Share of samples the thread was idle; the hot-spot percentages are of the busy samples. */
  idlePercent: number;
  topFunctions: HotSpot[];
  topFiles: HotSpot[];
}

function isProfile(v: unknown): v is { nodes: ProfileNode[] } {
  return typeof v === 'object' && v !== null && Array.isArray((v as { nodes?: unknown }).nodes);
}

function shortUrl(url: string, root: string): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  return path.startsWith(root) ? relative(root, path) : path;
}

function top(map: Map<string, number>, total: number, n: number): HotSpot[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([where, hits]) => ({ where, selfPercent: Number(((100 * hits) / total).toFixed(1)) }));
}

export function summarizeProfile(file: string, root: string, n = 20): ProfileSummary {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isProfile(parsed)) throw new Error(`${file} is not a V8 cpu profile`);
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const node of parsed.nodes) {
    const hits = node.hitCount ?? 0;
    const f = node.callFrame;
    if (f.functionName === '(idle)') idle += hits;
    if (hits === 0 || f.functionName === '(idle)') continue;
    total += hits;
    const src = shortUrl(f.url, root);
    const fn = `${f.functionName || '(anonymous)'} ${src}:${f.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + hits);
    byFile.set(src, (byFile.get(src) ?? 0) + hits);
  }
  return {
    file: relative(root, file),
    samples: total + idle,
    idlePercent: Number(((100 * idle) / Math.max(1, total + idle)).toFixed(1)),
    topFunctions: top(byFn, total, n),
    topFiles: top(byFile, total, n),
  };
}

/**
 * The busiest `.cpuprofile` in `dir`: with `--import tsx` Node writes one profile per thread (the
 * module-loader hooks run on a worker thread), and the engine's is the one with most non-idle samples.
 */
export function busiestProfile(dir: string): string | undefined {
  let best: { path: string; busy: number } | undefined;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.cpuprofile')) continue;
    const path = join(dir, name);
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (!isProfile(parsed)) continue;
    let busy = 0;
    for (const n of parsed.nodes) if (n.callFrame.functionName !== '(idle)') busy += n.hitCount ?? 0;
    if (!best || busy > best.busy) best = { path, busy };
  }
  return best?.path;
}
