/**
 * Whether an outbound attempt's outcome ends the call or moves it to the next gateway.
 *
 *   2xx                       answered
 *   408, other 5xx            failover: this gateway (or what is behind it) failed, another may not
 *                             (RFC 3261 §21.4.9, §21.5; RFC 3263 §4.3 tries the next server on 503)
 *   timeout, transport error  failover (RFC 3263 §4.3: no response or a transport failure)
 *   3xx, other 4xx            final: the callee's answer, the same through any gateway (§21.3, §21.4)
 *   6xx                       final: global failure, "should not be tried elsewhere" (§21.6)
 */
import type { AttemptOutcome, OutcomeClass } from '../model/outbound-attempts.js';

export function classifyOutcome(outcome: AttemptOutcome): OutcomeClass {
  if (outcome.kind !== 'response') return 'failover';
  const { status } = outcome;
  if (status >= 200 && status < 300) return 'answered';
  if (status === 408 || (status >= 500 && status < 600)) return 'failover';
  return 'final';
}
