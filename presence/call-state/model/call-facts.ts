/**
 * What call control tells the busy lamps, as plain values (the adapter makes them from the bus's
 * `call.*` and `agent.state.*` events). No SIP, no I/O.
 */
import type { OFFER_OUTCOMES } from '../../../infra/bus/call-events.js';

export type OfferOutcome = (typeof OFFER_OUTCOMES)[number];
export type HungUpBy = 'caller' | 'agent' | 'system';

export type CallFact =
  /** An offer started ringing the agent's devices. */
  | { readonly kind: 'offered'; readonly callId: string; readonly offerId: string; readonly agentId: string }
  /** The offer ended (answered, or not: no-answer, declined, busy, cancelled, failed). */
  | {
      readonly kind: 'offer-ended';
      readonly callId: string;
      readonly offerId: string;
      readonly agentId: string;
      readonly outcome: OfferOutcome;
      readonly status?: number;
    }
  /** The caller is connected to the agent. */
  | { readonly kind: 'answered'; readonly callId: string; readonly agentId: string }
  /** The call is over, whoever was on it. */
  | { readonly kind: 'ended'; readonly callId: string; readonly hungUpBy?: HungUpBy }
  /** The agent's state machine holds no offer, call or wrap-up: whatever lamps still show is stale. */
  | { readonly kind: 'agent-idle'; readonly agentId: string };
