/**
 * Strategies: order the candidates of one entry and pick who rings. Penalties come first: only
 * the lowest-penalty tier with a candidate is considered (a higher penalty is a fallback). Ties
 * always end on the agent id, so a decision is deterministic.
 *
 *   longest-idle      idle the longest
 *   round-robin       the member after the one offered last, in member-list order
 *   fewest-calls      fewest answered calls, then longest idle
 *   least-talk-time   least talk time, then longest idle
 *   ring-all          every candidate of the tier at once
 *   skills            best level over the required skills, then longest idle
 */
import type { QueueSpecData, Strategy } from '../model/queue-schema.js';
import type { Candidate } from './eligibility.js';

type Compare = (a: Candidate, b: Candidate) => number;

const byIdle: Compare = (a, b) => a.ra.idleSinceMs - b.ra.idleSinceMs;
const byId: Compare = (a, b) => (a.ra.agent.id < b.ra.agent.id ? -1 : a.ra.agent.id > b.ra.agent.id ? 1 : 0);
const chain =
  (...cs: Compare[]): Compare =>
  (a, b) => {
    for (const c of cs) {
      const d = c(a, b);
      if (d !== 0) return d;
    }
    return 0;
  };

function skillScore(c: Candidate, spec: QueueSpecData): number {
  return spec.requiredSkills.reduce((sum, r) => sum + (c.ra.skills.get(r.skill) ?? 0), 0);
}

function comparator(strategy: Exclude<Strategy, 'round-robin' | 'ring-all'>, spec: QueueSpecData): Compare {
  switch (strategy) {
    case 'longest-idle':
      return chain(byIdle, byId);
    case 'fewest-calls':
      return chain((a, b) => a.ra.callsAnswered - b.ra.callsAnswered, byIdle, byId);
    case 'least-talk-time':
      return chain((a, b) => a.ra.talkTimeMs - b.ra.talkTimeMs, byIdle, byId);
    case 'skills':
      return chain((a, b) => skillScore(b, spec) - skillScore(a, spec), byIdle, byId);
  }
}

function lowestPenaltyTier(candidates: readonly Candidate[]): Candidate[] {
  const best = Math.min(...candidates.map((c) => c.penalty));
  return candidates.filter((c) => c.penalty === best);
}

/** Round-robin: the first candidate whose member position follows the last offered member's. */
function roundRobin(tier: Candidate[], spec: QueueSpecData, lastAgentId: string | undefined): Candidate[] {
  const last = spec.members.findIndex((m) => m.agentId === lastAgentId);
  const n = spec.members.length;
  const distance = (c: Candidate) => (c.position - last - 1 + n) % n;
  return [...tier].sort((a, b) => distance(a) - distance(b));
}

/** The agents to ring for one entry (empty when there is no candidate). */
export function pickAgents(
  spec: QueueSpecData,
  candidates: readonly Candidate[],
  lastAgentId: string | undefined,
): string[] {
  if (candidates.length === 0) return [];
  const tier = lowestPenaltyTier(candidates);
  const { strategy } = spec;
  if (strategy === 'ring-all') return [...tier].sort(byId).map((c) => c.ra.agent.id);
  const ordered =
    strategy === 'round-robin'
      ? roundRobin(tier, spec, lastAgentId)
      : [...tier].sort(comparator(strategy, spec));
  const first = ordered[0];
  return first === undefined ? [] : [first.ra.agent.id];
}
