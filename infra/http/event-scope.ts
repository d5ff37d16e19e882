/**
 * What one events WebSocket may see, by its token. Supervisors and admins see every envelope of
 * their patterns. An agent token (the desktop) sees only envelopes about its own agent — those whose
 * payload's `agentId` is the token's — so it can subscribe to `call.offered.>` and get exactly its
 * offers (with caller and queue), `call.offer-ended.>` for how each ended, `agent.state.>` for its
 * own state, and never another agent's.
 */
import type { BusEnvelope } from '../bus/types.js';
import type { Principal } from './auth.js';

export type EnvelopeFilter = (envelope: BusEnvelope) => boolean;

const everything: EnvelopeFilter = () => true;
const nothing: EnvelopeFilter = () => false;

function agentIdOf(data: unknown): unknown {
  return typeof data === 'object' && data !== null ? (data as { agentId?: unknown }).agentId : undefined;
}

/** The filter for a socket opened by `principal` (an agent token without an agent id sees nothing). */
export function envelopeScope(principal: Principal | null): EnvelopeFilter {
  if (principal === null) return nothing;
  if (principal.role !== 'agent') return everything;
  const own = principal.agentId;
  if (own === undefined) return nothing;
  return (envelope) => agentIdOf(envelope.data) === own;
}
