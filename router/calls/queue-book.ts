/**
 * The queues the coordinator serves: the configured specs, one synthetic queue per agent entry
 * point (a direct call waits for that agent alone), and the round-robin cursors `decide()` moves.
 */
import { Value } from '@sinclair/typebox/value';
import { QueueSpec } from '../queues/model/queue-schema.js';
import type { QueueSpecData } from '../queues/model/queue-schema.js';
import type { RoutingQueue } from '../queues/policy/routing-types.js';

/** Queue id of the synthetic queue of a direct call to `agentId`. */
export const agentQueueId = (agentId: string): string => `agent.${agentId}`;

/** A direct call rings the agent for 30 s at a time, waits at most 60 s, and is busy (486) after. */
function directQueue(agentId: string): QueueSpecData {
  return Value.Default(
    QueueSpec,
    structuredClone({
      id: agentQueueId(agentId),
      name: `Direct calls to ${agentId}`,
      members: [{ agentId, penalty: 0 }],
      maxWaitSeconds: 60,
      ringTimeoutSeconds: 30,
      personalManagerSeconds: 0,
      onNoAgents: { action: 'reject', status: 480 },
      onMaxWait: { action: 'reject', status: 486 },
    }),
  ) as QueueSpecData;
}

export class QueueBook {
  readonly #queues = new Map<string, RoutingQueue>();

  constructor(specs: readonly QueueSpecData[]) {
    for (const spec of specs) this.#queues.set(spec.id, { spec });
  }

  get(queueId: string): QueueSpecData | undefined {
    return this.#queues.get(queueId)?.spec;
  }

  /** The queue of a direct call to the agent (made on first use). */
  direct(agentId: string): QueueSpecData {
    const id = agentQueueId(agentId);
    const known = this.#queues.get(id);
    if (known) return known.spec;
    const spec = directQueue(agentId);
    this.#queues.set(id, { spec });
    return spec;
  }

  all(): RoutingQueue[] {
    return [...this.#queues.values()];
  }

  /** Configured (not synthetic) queue ids. */
  configuredIds(): string[] {
    return [...this.#queues.keys()].filter((id) => !id.startsWith('agent.'));
  }

  /** Queues having `agentId` as a member. */
  ofAgent(agentId: string): string[] {
    return this.all()
      .filter((q) => q.spec.members.some((m) => m.agentId === agentId))
      .map((q) => q.spec.id);
  }

  moveCursors(cursors: Readonly<Record<string, string>>): void {
    for (const [id, agentId] of Object.entries(cursors)) {
      const q = this.#queues.get(id);
      if (q) this.#queues.set(id, { ...q, lastOfferedAgentId: agentId });
    }
  }
}
