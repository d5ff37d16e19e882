/**
 * What a final non-2xx answer to an offer means for routing (pure). The queue entry counts
 * no-answer, declined and busy separately (router/queues/model/queue-entry.ts); the agent's machine
 * counts only no-answers towards auto-pause (router/model/agent-work.ts).
 *
 *   486 Busy Here, 600 Busy Everywhere (RFC 3261 §21.4.24, §21.6.1)   → busy
 *   603 Decline (RFC 3261 §21.6.2)                                    → declined
 *   408, 480, 487 (our CANCEL on ring timeout), anything else         → no-answer
 */
import type { OfferFailure } from '../../queues/model/queue-entry.js';

export type OfferOutcome = 'answered' | 'no-answer' | 'declined' | 'busy' | 'cancelled' | 'failed';

export function failureOfStatus(status: number): OfferFailure {
  if (status === 486 || status === 600) return 'busy';
  if (status === 603) return 'declined';
  return 'no-answer';
}

/** The agent machine's event for a failed offer: only a no-answer counts towards auto-pause. */
export function agentEventOf(failure: OfferFailure): 'offer-unanswered' | 'offer-declined' {
  return failure === 'no-answer' ? 'offer-unanswered' : 'offer-declined';
}
