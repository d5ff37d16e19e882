/**
 * Bus envelopes (already validated against the catalogue by the bus) → the call facts the busy
 * lamps fold: `call.offered`, `call.offer-ended`, `call.answered`, `call.ended` (router/calls) and
 * `agent.state` moving to a status without work (router/agent-state). Anything else: undefined.
 */
import type { BusEnvelope } from '../../infra/bus/index.js';
import { toRecordEvent } from '../../router/records/model/record-events.js';
import type { CallFact } from './model/call-facts.js';

/** agent.state `to` values that hold no offer, call or wrap-up on any channel. */
const IDLE_STATUSES: readonly string[] = ['logged-out', 'not-ready', 'ready'];

export function factOf(envelope: Pick<BusEnvelope, 'type' | 'data'>): CallFact | undefined {
  if (envelope.type === 'agent.state') {
    const d = envelope.data as { agentId: string; to: string };
    return IDLE_STATUSES.includes(d.to) ? { kind: 'agent-idle', agentId: d.agentId } : undefined;
  }
  const e = toRecordEvent(envelope.type, envelope.data);
  switch (e?.type) {
    case 'call.offered':
      return { kind: 'offered', callId: e.data.callId, offerId: e.data.offerId, agentId: e.data.agentId };
    case 'call.offer-ended': {
      const { callId, offerId, agentId, outcome, status } = e.data;
      return {
        kind: 'offer-ended',
        callId,
        offerId,
        agentId,
        outcome,
        ...(status !== undefined ? { status } : {}),
      };
    }
    case 'call.answered':
      // Answered by an overflow target (no agent): no agent dialog.
      return e.data.agentId !== undefined
        ? { kind: 'answered', callId: e.data.callId, agentId: e.data.agentId }
        : undefined;
    case 'call.ended': {
      const { callId, hungUpBy } = e.data;
      return { kind: 'ended', callId, ...(hungUpBy !== undefined ? { hungUpBy } : {}) };
    }
    default:
      return undefined;
  }
}
