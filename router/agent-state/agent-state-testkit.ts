/** Test fixture for the agent state service: PGlite in memory, the in-process bus and a FakeClock. */
import type { Test } from 'tap';
import { MemoryBus } from '../../infra/bus/memory-bus.js';
import type { BusEnvelope } from '../../infra/bus/types.js';
import { openDatabase } from '../../infra/db/index.js';
import type { Db } from '../../infra/db/index.js';
import { up as createTransitionsTable } from '../../infra/db/migrations/0004_agent_state_transitions.js';
import { FakeClock } from '../../sip-engine/util/clock.js';
import type { AgentConfig } from '../model/agent.js';
import { AgentStateService } from './agent-state-service.js';
import type { AgentStateServiceDeps } from './agent-state-service.js';
import { createTransitionStore } from './transition-store.js';
import type { TransitionStore } from './transition-store.js';

export const testAgentConfig: AgentConfig = {
  capacity: { voice: 1, chat: 2 },
  wrapUpMs: 10_000,
  maxWrapUpMs: 30_000,
  maxConsecutiveNoAnswers: 3,
};

/** Opens one in-memory database for a whole test file (PGlite's start costs seconds). */
export async function openTestDb(t: Test): Promise<Db> {
  const handle = await openDatabase({ path: 'memory://' });
  t.teardown(() => handle.close());
  // Idempotent: a no-op once migrations/index.ts lists 0004.
  await createTransitionsTable(handle.db);
  return handle.db;
}

export interface StateWorld {
  service: AgentStateService;
  bus: MemoryBus;
  clock: FakeClock;
  store: TransitionStore;
  /** Every `agent.state.>` envelope, in delivery order. */
  events: BusEnvelope[];
  revoked: { agentId: string; offerId: string; reason: string }[];
}

/** A service over `db` knowing `agents` (ids), with optional store override. */
export function stateWorld(
  t: Test,
  db: Db,
  agents: readonly string[],
  opts: { store?: TransitionStore; bus?: MemoryBus; clock?: FakeClock } = {},
): StateWorld {
  const clock = opts.clock ?? new FakeClock();
  const bus = opts.bus ?? new MemoryBus({ nodeId: 'node-t1', clock });
  const store = opts.store ?? createTransitionStore(db);
  const events: BusEnvelope[] = [];
  const revoked: StateWorld['revoked'] = [];
  const unsubscribe = bus.subscribe('agent.state.>', (e) => events.push(e));
  const known = new Set(agents);
  const deps: AgentStateServiceDeps = {
    clock,
    bus,
    store,
    lookup: (id) => Promise.resolve(known.has(id) ? testAgentConfig : undefined),
    onRevokeOffer: (agentId, offerId, reason) => revoked.push({ agentId, offerId, reason }),
  };
  const service = new AgentStateService(deps);
  t.teardown(async () => {
    await service.close();
    unsubscribe();
    if (!opts.bus) await bus.drain();
  });
  return { service, bus, clock, store, events, revoked };
}
