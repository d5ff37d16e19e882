/**
 * The routing policy: ONE decision from (queues, entries, agents, now). Pure: no I/O, no clock.
 *
 *   admit(queue, entries, agents, now)   before a call joins: closed, full or no agents → action
 *   decide(queues, entries, agents, now) offers for waiting entries, and entries that must leave
 *
 * Fairness across queues: queue heads are served oldest-waiting first, then higher caller priority
 * (within one queue, higher priority goes first, then the oldest). An agent is offered at most one
 * entry per decision, never while reserved or ringing for another entry. A caller whose number is
 * one of an agent's personal customers is offered to that agent first (ringing for the queue's
 * `personalManagerSeconds`) when the agent is free and has not yet been tried; otherwise the queue.
 * A waiting entry with no agent leaves on its maximum wait, when nobody is staffed, or on the
 * overflow threshold — outcomes as values, carried out by the caller.
 */
import { isOpen } from '../model/opening-hours.js';
import type { QueueEntry } from '../model/queue-entry.js';
import { DEFAULT_ACTIONS } from '../model/queue-schema.js';
import type { QueueSpecData } from '../model/queue-schema.js';
import { canTakeOffer, candidatesFor, isStaffed } from './eligibility.js';
import type {
  Admission,
  Decision,
  EntryOutcome,
  Offer,
  RoutingAgent,
  RoutingQueue,
} from './routing-types.js';
import { pickAgents } from './strategies.js';

export function admit(
  queue: QueueSpecData,
  entries: readonly QueueEntry[],
  agents: readonly RoutingAgent[],
  nowMs: number,
): Admission {
  if (!isOpen(queue.hours, nowMs)) {
    return { admitted: false, cause: 'closed', action: queue.onClosed ?? DEFAULT_ACTIONS.closed };
  }
  const present = entries.filter(
    (e) => e.queueId === queue.id && (e.state === 'waiting' || e.state === 'offering'),
  );
  if (queue.maxSize > 0 && present.length >= queue.maxSize) {
    return { admitted: false, cause: 'full', action: queue.onFull ?? DEFAULT_ACTIONS.full };
  }
  if (!isStaffed(queue, byId(agents))) {
    return { admitted: false, cause: 'no-agents', action: queue.onNoAgents ?? DEFAULT_ACTIONS['no-agents'] };
  }
  return { admitted: true };
}

function byId(agents: readonly RoutingAgent[]): Map<string, RoutingAgent> {
  return new Map(agents.map((a) => [a.agent.id, a]));
}

/** Within a queue: higher priority first, then the oldest, then the id. */
function inQueueOrder(a: QueueEntry, b: QueueEntry): number {
  return b.priority - a.priority || a.enteredMs - b.enteredMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Across queue heads: the oldest first, then higher priority, then the id. */
function acrossQueuesOrder(a: QueueEntry, b: QueueEntry): number {
  return a.enteredMs - b.enteredMs || b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Waiting entries of known queues in serving order: a fair merge of the per-queue orders. */
export function servingOrder(
  queues: ReadonlyMap<string, RoutingQueue>,
  entries: readonly QueueEntry[],
): QueueEntry[] {
  const lanes = new Map<string, QueueEntry[]>();
  for (const e of entries) {
    if (e.state !== 'waiting' || !queues.has(e.queueId)) continue;
    lanes.set(e.queueId, [...(lanes.get(e.queueId) ?? []), e]);
  }
  for (const lane of lanes.values()) lane.sort(inQueueOrder);
  const out: QueueEntry[] = [];
  for (;;) {
    const heads = [...lanes.values()].map((l) => l[0]).filter((e) => e !== undefined);
    const next = heads.sort(acrossQueuesOrder)[0];
    if (next === undefined) return out;
    out.push(next);
    lanes.get(next.queueId)?.shift();
  }
}

function personalManager(
  entry: QueueEntry,
  spec: QueueSpecData,
  agents: ReadonlyMap<string, RoutingAgent>,
  blocked: ReadonlySet<string>,
): RoutingAgent | undefined {
  if (spec.personalManagerSeconds <= 0) return undefined;
  for (const ra of agents.values()) {
    if (!ra.personalCustomers.has(entry.callerNumber) || entry.tried.includes(ra.agent.id)) continue;
    if (canTakeOffer(ra, spec, blocked)) return ra;
  }
  return undefined;
}

function offerFor(entry: QueueEntry, spec: QueueSpecData, agentIds: string[], pm: boolean): Offer {
  const ringTimeoutMs = (pm ? spec.personalManagerSeconds : spec.ringTimeoutSeconds) * 1000;
  const base = { entryId: entry.id, queueId: spec.id, agentIds, ringTimeoutMs };
  const reason = pm ? ('personal-manager' as const) : ('strategy' as const);
  return spec.wrapUpSeconds === undefined
    ? { ...base, reason }
    : { ...base, reason, wrapUpMs: spec.wrapUpSeconds * 1000 };
}

/** Why a waiting entry with no offer must leave now, if it must. */
function leaving(
  entry: QueueEntry,
  spec: QueueSpecData,
  agents: ReadonlyMap<string, RoutingAgent>,
  nowMs: number,
): EntryOutcome | undefined {
  const waitedMs = nowMs - entry.enteredMs;
  const base = { entryId: entry.id, queueId: spec.id };
  if (spec.maxWaitSeconds > 0 && waitedMs >= spec.maxWaitSeconds * 1000) {
    return { ...base, cause: 'max-wait', action: spec.onMaxWait ?? DEFAULT_ACTIONS['max-wait'] };
  }
  if (spec.overflow !== undefined && waitedMs >= spec.overflow.afterSeconds * 1000) {
    return { ...base, cause: 'overflow', action: { action: 'overflow', target: spec.overflow.target } };
  }
  if (!isStaffed(spec, agents)) {
    return { ...base, cause: 'no-agents', action: spec.onNoAgents ?? DEFAULT_ACTIONS['no-agents'] };
  }
  return undefined;
}

/** The agents to ring for one entry: its personal manager, else the queue's strategy. */
function chooseAgents(
  entry: QueueEntry,
  queue: RoutingQueue,
  agents: ReadonlyMap<string, RoutingAgent>,
  blocked: ReadonlySet<string>,
  lastOfferedAgentId: string | undefined,
  nowMs: number,
): { agentIds: string[]; pm: boolean } {
  const { spec } = queue;
  if (spec.maxWaitSeconds > 0 && entry.enteredMs + spec.maxWaitSeconds * 1000 <= nowMs) {
    return { agentIds: [], pm: false };
  }
  const pm = personalManager(entry, spec, agents, blocked);
  if (pm !== undefined) return { agentIds: [pm.agent.id], pm: true };
  const candidates = candidatesFor(spec, entry, agents, blocked);
  return { agentIds: pickAgents(spec, candidates, lastOfferedAgentId), pm: false };
}

export function decide(
  queues: readonly RoutingQueue[],
  entries: readonly QueueEntry[],
  agents: readonly RoutingAgent[],
  nowMs: number,
): Decision {
  const queueMap = new Map(queues.map((q) => [q.spec.id, q]));
  const agentMap = byId(agents);
  const blocked = new Set(entries.flatMap((e) => (e.state === 'offering' ? (e.offer?.agentIds ?? []) : [])));
  const lastOffered = new Map<string, string>();
  const offers: Offer[] = [];
  const outcomes: EntryOutcome[] = [];
  for (const entry of servingOrder(queueMap, entries)) {
    const queue = queueMap.get(entry.queueId);
    if (queue === undefined) continue;
    const last = lastOffered.get(queue.spec.id) ?? queue.lastOfferedAgentId;
    const { agentIds, pm } = chooseAgents(entry, queue, agentMap, blocked, last, nowMs);
    const lastId = agentIds.at(-1);
    if (lastId === undefined) {
      const out = leaving(entry, queue.spec, agentMap, nowMs);
      if (out !== undefined) outcomes.push(out);
      continue;
    }
    for (const id of agentIds) blocked.add(id);
    if (!pm) lastOffered.set(queue.spec.id, lastId);
    offers.push(offerFor(entry, queue.spec, agentIds, pm));
  }
  return { offers, outcomes, lastOfferedAgentIds: Object.fromEntries(lastOffered) };
}
