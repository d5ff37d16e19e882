/**
 * Which agents may be offered an entry of a queue: members, available on the queue's channel
 * (router/model/agent-availability.ts, design §4.2), holding no reservation anywhere (an agent never
 * gets two offers at once), not ringing for another entry, meeting the skill requirements, and not
 * yet tried for this entry — unless every otherwise eligible agent has been tried, then all again.
 */
import { channelAvailability } from '../../model/agent-availability.js';
import type { QueueEntry } from '../model/queue-entry.js';
import type { QueueSpecData } from '../model/queue-schema.js';
import type { RoutingAgent } from './routing-types.js';

export interface Candidate {
  readonly ra: RoutingAgent;
  readonly penalty: number;
  /** Position in the member list (round-robin order). */
  readonly position: number;
}

export function meetsSkills(ra: RoutingAgent, spec: QueueSpecData): boolean {
  return spec.requiredSkills.every((r) => (ra.skills.get(r.skill) ?? -1) >= r.minLevel);
}

/** Free for a new offer on the channel, with no reservation on any channel. */
export function canTakeOffer(ra: RoutingAgent, spec: QueueSpecData, blocked: ReadonlySet<string>): boolean {
  return (
    !blocked.has(ra.agent.id) &&
    !ra.agent.work.some((w) => w.state === 'reserved') &&
    channelAvailability(ra.agent, spec.channel) === 'available'
  );
}

/** Members who could take an entry of the queue right now, ignoring who was tried. */
export function availableMembers(
  spec: QueueSpecData,
  agents: ReadonlyMap<string, RoutingAgent>,
  blocked: ReadonlySet<string>,
): Candidate[] {
  const out: Candidate[] = [];
  spec.members.forEach((m, position) => {
    const ra = agents.get(m.agentId);
    if (ra !== undefined && meetsSkills(ra, spec) && canTakeOffer(ra, spec, blocked)) {
      out.push({ ra, penalty: m.penalty, position });
    }
  });
  return out;
}

/** The candidates for one entry: untried first; when all were tried, everyone again. */
export function candidatesFor(
  spec: QueueSpecData,
  entry: QueueEntry,
  agents: ReadonlyMap<string, RoutingAgent>,
  blocked: ReadonlySet<string>,
): Candidate[] {
  const all = availableMembers(spec, agents, blocked);
  const untried = all.filter((c) => !entry.tried.includes(c.ra.agent.id));
  return untried.length > 0 ? untried : all;
}

/** Some member is logged in and skilled: worth waiting for (otherwise: no agents). */
export function isStaffed(spec: QueueSpecData, agents: ReadonlyMap<string, RoutingAgent>): boolean {
  return spec.members.some((m) => {
    const ra = agents.get(m.agentId);
    return ra !== undefined && ra.agent.mode !== 'logged-out' && meetsSkills(ra, spec);
  });
}
