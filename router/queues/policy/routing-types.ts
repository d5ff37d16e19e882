/**
 * What the routing policy reads and returns. The policy is pure: the caller assembles these views
 * from the agent states, the directory and the call records, and passes `now` from its clock.
 */
import type { Agent } from '../../model/agent-types.js';
import type { QueueEntry } from '../model/queue-entry.js';
import type { OverflowTargetData, QueueActionData, QueueSpecData } from '../model/queue-schema.js';

/** One agent as routing sees it: live state, directory facts and counters. */
export interface RoutingAgent {
  readonly agent: Agent;
  /** Skill → level 0-100 (agent directory). */
  readonly skills: ReadonlyMap<string, number>;
  /** Caller numbers this agent personally manages (agent directory). */
  readonly personalCustomers: ReadonlySet<string>;
  /** When the agent last became free (end of wrap-up, or log-in). */
  readonly idleSinceMs: number;
  readonly callsAnswered: number;
  readonly talkTimeMs: number;
}

/** A queue's spec and the little routing state it keeps between decisions. */
export interface RoutingQueue {
  readonly spec: QueueSpecData;
  /** Round-robin: the member offered last. */
  readonly lastOfferedAgentId?: string;
}

export type OfferReason = 'personal-manager' | 'strategy';

export interface Offer {
  readonly entryId: string;
  readonly queueId: string;
  /** One agent, or every agent of the tier for ring-all (ring them in parallel). */
  readonly agentIds: readonly string[];
  readonly ringTimeoutMs: number;
  /** The queue's wrap-up, when it overrides the agent's own. */
  readonly wrapUpMs?: number;
  readonly reason: OfferReason;
}

export type OutcomeCause = 'closed' | 'full' | 'no-agents' | 'max-wait' | 'overflow';

/** A waiting entry must leave the queue: reject it with a status or move it elsewhere. */
export interface EntryOutcome {
  readonly entryId: string;
  readonly queueId: string;
  readonly cause: OutcomeCause;
  readonly action: QueueActionData;
}

export interface Decision {
  readonly offers: readonly Offer[];
  readonly outcomes: readonly EntryOutcome[];
  /** Round-robin cursors moved by this decision: store them as the queues' `lastOfferedAgentId`. */
  readonly lastOfferedAgentIds: Readonly<Record<string, string>>;
}

export type Admission =
  | { readonly admitted: true }
  | {
      readonly admitted: false;
      readonly cause: 'closed' | 'full' | 'no-agents';
      readonly action: QueueActionData;
    };

export type { OverflowTargetData, QueueEntry };
