/**
 * The world of `bench:inbound`: patchbay in its own process (inbound-patchbay.ts: `startPatchbay`
 * as `patchbay start` runs it — embedded sip-engine on its worker thread, PGlite in memory, the
 * in-process bus) with N agents (a000…) in one queue `bench` (longest-idle, wrap-up 0) behind entry
 * number 5000. The agents' devices are played by a few SIPp instances, each holding one UDP port
 * for a slice of the agents: every agent's AOR is REGISTERed over SIP with digest from its slice's
 * port (one SIPp run per port, inbound-register.ts), then all agents are
 * logged in through the REST API and must turn `ready`. For each step the same ports answer as SIPp
 * UAS instances (uas-agent-ring.xml).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../../test-support/ports.js';
import { waitFor } from '../../test-support/wait.js';
import type { IpcChild } from './ipc-child.js';
import { forkIpcChild } from './ipc-child.js';
import type { PatchbayCommand, PatchbayReport } from './inbound-patchbay.js';
import { registerAgents } from './inbound-register.js';

const CHILD = fileURLToPath(new URL('./inbound-patchbay.ts', import.meta.url));
export const ENTRY_NUMBER = '5000';
const TOKEN = 'bench-inbound-supervisor-token';

export interface InboundWorldOptions {
  sipp: string;
  agents: number;
  /** SIPp instances playing the agents' devices (agents are split evenly). */
  devicePorts: number;
  /** Extra node flags for the patchbay process (e.g. --cpu-prof). */
  execArgv: readonly string[];
}

export interface InboundWorld {
  readonly patchbay: IpcChild<PatchbayCommand, PatchbayReport>;
  readonly sipTarget: string;
  /** One UDP port per device SIPp, each registered for a slice of the agents. */
  readonly devicePorts: readonly number[];
  readonly agentIds: readonly string[];
  readonly setupSeconds: { start: number; register: number; ready: number };
  /** `<id>: <state>` of the agents not `ready` right now (REST, one request per agent). */
  notReady(): Promise<string[]>;
  /** The queue's live view (REST, `queue.state` coalesced 250 ms): available agents, depth. */
  queueLive(): Promise<{ availableAgents: number; depth: number } | undefined>;
  stop(): Promise<void>;
}

const agentId = (i: number): string => `a${String(i).padStart(3, '0')}`;
const password = (id: string): string => `${id}-bench-secret`;

function configYaml(p: { sip: number; admin: number; http: number }, ids: readonly string[]): string {
  const agents = ids.map(
    (id) =>
      `  - { id: ${id}, name: Agent ${id}, aors: ["sip:${id}@127.0.0.1"], auth: { username: ${id}, password: ${password(id)} }, wrapUpSeconds: 0 }`,
  );
  const members = ids.map((id) => `      - { agentId: ${id} }`);
  return [
    `node: { id: bench-inbound-${process.pid} }`,
    'sip:',
    '  mode: embedded',
    '  engine:',
    `    contacts: [{ uri: "sip:127.0.0.1:${p.sip};transport=udp" }]`,
    `    admin: { address: 127.0.0.1, port: ${p.admin}, secret: bench-secret }`,
    // All load comes from one address; INVITE transactions linger 32 s (RFC 6026 Timer L).
    '    limits: { perSourceRequestsPerSecond: 0, maxPendingTransactions: 500000 }',
    'presence: { mode: embedded, domain: 127.0.0.1, digestAlgorithms: [MD5] }',
    'database: { path: "memory://" }',
    `http: { host: 127.0.0.1, port: ${p.http}, tokens: [{ token: ${TOKEN}, role: supervisor }] }`,
    // BENCH_LOG_LEVEL=info shows what patchbay logs (warn: only problems).
    `log: { level: ${process.env.BENCH_LOG_LEVEL ?? 'warn'} }`,
    'agents:',
    ...agents,
    'queues:',
    '  - id: bench',
    '    name: Bench',
    '    strategy: longest-idle',
    '    members:',
    ...members,
    'entryPoints:',
    `  - { number: "${ENTRY_NUMBER}", queue: bench }`,
    '',
  ].join('\n');
}

async function api(base: string, path: string, body?: object): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${base}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      connection: 'close',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

interface AgentState {
  state?: string;
  devices?: number;
}

async function statesOf(base: string, ids: readonly string[]): Promise<Map<string, AgentState>> {
  const out = new Map<string, AgentState>();
  for (const id of ids) out.set(id, (await api(base, `/api/v1/agents/${id}/state`)).json as AgentState);
  return out;
}

async function loginAll(base: string, ids: readonly string[]): Promise<void> {
  const devices = await statesOf(base, ids);
  const missing = ids.filter((id) => (devices.get(id)?.devices ?? 0) < 1);
  if (missing.length > 0) throw new Error(`no registered device for ${missing.join(', ')}`);
  for (const id of ids) {
    const r = await api(base, `/api/v1/agents/${id}/state`, { action: 'login' });
    if (r.status !== 200) throw new Error(`login ${id}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  }
}

async function notReady(base: string, ids: readonly string[]): Promise<string[]> {
  const states = await statesOf(base, ids);
  return ids.flatMap((id) => {
    const state = states.get(id)?.state;
    return state === 'ready' ? [] : [`${id}: ${String(state)}`];
  });
}

/** Asks patchbay to stop and waits for its process to end (it writes --cpu-prof profiles as it exits). */
async function stopPatchbay(patchbay: IpcChild<PatchbayCommand, PatchbayReport>, dir: string): Promise<void> {
  const exited = new Promise((resolve) => patchbay.child.once('exit', resolve));
  await patchbay.ask({ op: 'stop' }, 'stopped').catch(() => undefined);
  const timer = setTimeout(() => patchbay.child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
  rmSync(dir, { recursive: true, force: true });
}

/** Registers every agent over SIP, logs them in and waits until all are ready. */
async function readyAgents(o: InboundWorldOptions, ids: readonly string[], ports: number[], ready: Ready) {
  const t1 = performance.now();
  const per = Math.ceil(ids.length / ports.length);
  const slices = ports.map((_, i) => ids.slice(i * per, (i + 1) * per));
  const target = `127.0.0.1:${ready.sipPort}`;
  await Promise.all(
    slices.map((slice, i) =>
      registerAgents(
        o.sipp,
        target,
        ports[i] ?? 0,
        slice.map((user) => ({ user, password: password(user) })),
      ),
    ),
  );
  const t2 = performance.now();
  await loginAll(ready.httpUrl, ids);
  await waitFor(async () => ((await notReady(ready.httpUrl, ids)).length === 0 ? true : undefined), {
    timeoutMs: 60_000,
    intervalMs: 500,
    what: `all ${ids.length} agents ready`,
  });
  return { register: seconds(t1, t2), ready: seconds(t2, performance.now()) };
}

type Ready = Extract<PatchbayReport, { kind: 'ready' }>;
const seconds = (a: number, b: number): number => Number(((b - a) / 1000).toFixed(1));

export async function startInboundWorld(o: InboundWorldOptions): Promise<InboundWorld> {
  const t0 = performance.now();
  const [sip, admin, http, ...ports] = await freePorts(3 + o.devicePorts);
  if (sip === undefined || admin === undefined || http === undefined) throw new Error('no free ports');
  const ids = Array.from({ length: o.agents }, (_, i) => agentId(i));
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-bench-inbound-'));
  const file = join(dir, 'patchbay.yaml');
  writeFileSync(file, configYaml({ sip, admin, http }, ids));
  const patchbay = await forkIpcChild<PatchbayCommand, PatchbayReport>(CHILD, [file], o.execArgv);
  const { httpUrl, sipPort } = patchbay.ready;
  const start = seconds(t0, performance.now());
  const setup = await readyAgents(o, ids, ports, patchbay.ready).catch(async (err: unknown) => {
    await stopPatchbay(patchbay, dir); // a failed set-up leaves no process behind
    throw err;
  });
  return {
    patchbay,
    sipTarget: `127.0.0.1:${sipPort}`,
    devicePorts: ports,
    agentIds: ids,
    setupSeconds: { start, ...setup },
    notReady: () => notReady(httpUrl, ids),
    queueLive: async () => {
      const view = (await api(httpUrl, '/api/v1/queues/bench')).json as {
        live?: { availableAgents: number; depth: number } | null;
      };
      return view.live ?? undefined;
    },
    stop: () => stopPatchbay(patchbay, dir),
  };
}
