/**
 * The world of `bench:presence-in`: patchbay's side (the presence watcher of `presence/watcher`,
 * wired to the agent state service by `runtime/presence-bridge.ts` exactly as `patchbay start`
 * wires it, with PGlite in memory and the in-process bus) on a sip-engine in its own process, and
 * a presence server in a third process (`presence-server.ts`). Records, per presentity, when the
 * watcher accepted its NOTIFY and when `agent.state.<id>` appeared on the bus.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { MemoryBus } from '../../infra/bus/memory-bus.js';
import { openDatabase } from '../../infra/db/index.js';
import type { DatabaseHandle } from '../../infra/db/index.js';
import { connectSrf } from '../../infra/drachtio/srf-connection.js';
import type { PresenceWatcher } from '../../presence/watcher/index.js';
import { AgentStateService } from '../../router/agent-state/agent-state-service.js';
import { createTransitionStore } from '../../router/agent-state/transition-store.js';
import { toAgentConfig } from '../../router/agents/model/agent.js';
import { startAgentDirectory } from '../../router/agents/start-directory.js';
import { startPresenceBridge } from '../../runtime/presence-bridge.js';
import { systemClock } from '../../sip-engine/util/clock.js';
import { EngineProcess } from '../../test-support/engine-process.js';
import { freePort } from '../../test-support/ports.js';
import { waitFor } from '../../test-support/wait.js';
import type { ServerCommand, ServerReport } from './presence-server.js';
import { benchEngineConfig } from './worlds.js';

export const DOMAIN = 'cc.example.com';
const SERVER_FILE = fileURLToPath(new URL('./presence-server.ts', import.meta.url));

/** Per step: when each presentity's NOTIFY was accepted by the watcher and its state event seen. */
export interface Marks {
  accepted: Map<string, number>;
  event: Map<string, number>;
  unmatchedEvents: number;
}

export interface PresenceWorld {
  agents: number;
  engine: EngineProcess;
  marks: Marks;
  uriOf(agentId: string): string;
  ask<K extends ServerReport['kind']>(
    cmd: ServerCommand,
    kind: K,
  ): Promise<Extract<ServerReport, { kind: K }>>;
  setupSeconds: { seed: number; subscribe: number };
  stop(): Promise<void>;
}

function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(SERVER_FILE, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`presence server exited (${String(code)}) before ready`)));
    child.on('message', (m: ServerReport) => {
      if (m.kind === 'ready') resolve({ child, port: m.port });
    });
  });
}

function asker(child: ChildProcess): PresenceWorld['ask'] {
  return (cmd, kind) =>
    new Promise((resolve) => {
      const on = (m: ServerReport): void => {
        if (m.kind !== kind || !('id' in m) || m.id !== cmd.id) return;
        child.off('message', on);
        resolve(m as Extract<ServerReport, { kind: typeof kind }>);
      };
      child.on('message', on);
      child.send(cmd);
    });
}

async function agentServices(db: DatabaseHandle, bus: MemoryBus, agents: number) {
  const ids = Array.from({ length: agents }, (_, i) => `a${i}`);
  const started = performance.now();
  const { directory } = await startAgentDirectory({
    db: db.db,
    agents: ids.map((id) => ({
      id,
      name: id,
      aors: [],
      presenceUri: `sip:${id}@${DOMAIN}`,
      skills: [],
      teams: [],
      channels: { voice: 1, chat: 3 },
      personalCustomers: [],
      wrapUpSeconds: 30,
      maxConsecutiveNoAnswers: 3,
    })),
    realm: DOMAIN,
    clock: systemClock,
    bus,
  });
  const seedSeconds = (performance.now() - started) / 1000;
  const agentState = new AgentStateService({
    clock: systemClock,
    bus,
    store: createTransitionStore(db.db),
    lookup: async (id) => toAgentConfig(await directory.get(id)),
  });
  return { directory, agentState, seedSeconds };
}

function watchMarks(watcher: PresenceWatcher, bus: MemoryBus): Marks {
  const marks: Marks = { accepted: new Map(), event: new Map(), unmatchedEvents: 0 };
  // Runs right after the bridge's own listener, in the same turn: the NOTIFY was just accepted.
  watcher.onPresence((s) => {
    const id = /^sip:([^@]+)@/.exec(s.uri)?.[1];
    if (id !== undefined && !marks.accepted.has(id)) marks.accepted.set(id, performance.now());
  });
  bus.subscribe('agent.state.*', (env) => {
    const id = env.topic.slice('agent.state.'.length);
    if (marks.accepted.has(id) && !marks.event.has(id)) marks.event.set(id, performance.now());
    else marks.unmatchedEvents += 1;
  });
  return marks;
}

export async function startPresenceWorld(agents: number): Promise<PresenceWorld> {
  const server = await startServer();
  console.log(`[${agents} agents] presence server up on udp ${server.port}`);
  const engine = await EngineProcess.spawn(benchEngineConfig(await freePort()));
  const db = await openDatabase({ path: 'memory://' });
  const bus = new MemoryBus({ nodeId: 'bench', clock: systemClock });
  const { directory, agentState, seedSeconds } = await agentServices(db, bus, agents);
  console.log(`[${agents} agents] directory seeded in ${seedSeconds.toFixed(1)} s; subscribing`);
  const srf = await connectSrf({ host: '127.0.0.1', port: engine.adminPort, secret: 'cymru' });
  console.log(`[${agents} agents] srf connected to the watcher's engine`);
  const subStarted = performance.now();
  const watcher = await startPresenceBridge({
    srf,
    presenceServer: `sip:127.0.0.1:${server.port}`,
    domain: DOMAIN,
    subscribeExpiresS: 3600,
    directory,
    agentState,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
  });
  const marks = watchMarks(watcher, bus);
  console.log(`[${agents} agents] watching`);
  // Every subscription active and its first NOTIFY (closed, away) applied.
  await waitFor(() => marks.event.size === agents, {
    timeoutMs: 60_000 + agents * 30,
    intervalMs: 100,
    what: `first NOTIFY applied for all ${agents} agents (${marks.event.size} so far)`,
  });
  const subscribeSeconds = (performance.now() - subStarted) / 1000;
  let nextId = 1;
  const ask = asker(server.child);
  return {
    agents,
    engine,
    marks,
    uriOf: (id) => `sip:${id}@${DOMAIN}`,
    ask: (cmd, kind) => ask({ ...cmd, id: nextId++ }, kind),
    setupSeconds: { seed: seedSeconds, subscribe: subscribeSeconds },
    stop: async () => {
      await watcher.stop().catch(() => undefined);
      await agentState.close();
      srf.disconnect();
      await ask({ op: 'stop', id: nextId++ }, 'stopped');
      await engine.stop();
      await bus.drain();
      await db.close();
    },
  };
}
