/** IPC messages between engine-process.ts (parent) and engine-child.ts (the engine's process). */

export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** True when two full GCs ran before the sample (the child needs --expose-gc). */
  gcRan: boolean;
  /** CPU time (user + system) the engine process has used so far, in ms. */
  cpuMs: number;
  /** Time spent in GC so far, and the longest single GC pause since the previous sample, in ms. */
  gcTotalMs: number;
  gcMaxPauseMs: number;
}

export interface EndpointInfo {
  protocol: string;
  address: string;
  port: number;
}

export type ChildRequest =
  { op: 'memory'; id: number; gc: boolean } | { op: 'stats'; id: number } | { op: 'stop'; id: number };

export type ChildReply =
  | { type: 'ready'; pid: number; adminPort: number; endpoints: EndpointInfo[] }
  | { type: 'failed'; message: string }
  | { type: 'reply'; id: number; value: unknown }
  | { type: 'reply'; id: number; error: string };

const OPS = new Set(['memory', 'stats', 'stop']);

export function isChildRequest(m: unknown): m is ChildRequest {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return typeof r.op === 'string' && OPS.has(r.op) && typeof r.id === 'number';
}

export function isChildReply(m: unknown): m is ChildReply {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return r.type === 'ready' || r.type === 'failed' || (r.type === 'reply' && typeof r.id === 'number');
}
