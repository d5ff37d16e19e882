/** What the coordinator holds for one call in progress (mutable, owned by the coordinator). */
import type { TimerHandle } from '../../sip-engine/util/clock.js';
import type { QueueEntry } from '../queues/model/queue-entry.js';
import type { CallControl } from './call-ports.js';
import type { Call } from './model/call.js';

/** Why we stopped an offer ourselves (its result then arrives as `cancelled`). */
export type WithdrawReason = 'no-answer' | 'cancelled' | 'revoked';

export interface LiveOffer {
  readonly offerId: string;
  readonly agentId: string;
  readonly startedMs: number;
  readonly personalManager: boolean;
  ringTimer?: TimerHandle;
  /** Safety net: the SIP layer's result must arrive; if it does not, the offer is ended anyway. */
  stuckTimer?: TimerHandle;
  withdrawn?: WithdrawReason;
}

export interface LiveCall {
  call: Call;
  readonly control: CallControl;
  readonly caller: string;
  entry?: QueueEntry;
  /** Offers ringing or ending, by offer id. */
  readonly offers: Map<string, LiveOffer>;
  waitTimer?: TimerHandle;
  talkMs?: number;
  /** Runs once the call is over (e.g. gives the gateway's concurrency slot back). */
  readonly onFinish?: () => void;
}
