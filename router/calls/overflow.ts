/**
 * Overflow to spare numbers (a queue's `overflow` or an action's `{ numbers }` target): the call
 * leaves its queue, the SIP side tries the numbers in order (`CallControl.overflow`), and the call
 * is either connected to one of them or ends `overflowed` with the last status sent to the caller.
 */
import type { CallPublisher } from './call-publisher.js';
import type { LiveCall } from './live-call.js';
import type { CallEvent } from './model/call.js';

export interface OverflowDeps {
  readonly move: (live: LiveCall, e: CallEvent) => void;
  readonly pub: CallPublisher;
  readonly now: () => number;
  readonly changed: (live: LiveCall) => void;
}

export async function overflowToNumbers(
  live: LiveCall,
  numbers: readonly string[],
  queueId: string,
  waited: number,
  d: OverflowDeps,
): Promise<void> {
  const target = numbers.join(',');
  if (live.call.state === 'arriving') d.move(live, { type: 'queued', queueId });
  d.move(live, { type: 'overflow', target });
  live.waitTimer?.cancel();
  d.pub.publish('callOverflowed', { callId: live.call.id, queueId, target, waitMs: waited });
  // Held like an offer, so the call is not forgotten while the overflow legs ring.
  live.offers.set('overflow', {
    offerId: 'overflow',
    agentId: '',
    startedMs: d.now(),
    personalManager: false,
  });
  const r = await live.control.overflow(numbers);
  live.offers.delete('overflow');
  if (r.answered && live.call.state === 'overflowing') {
    d.move(live, { type: 'overflow-answered' });
    d.pub.publish('callAnswered', {
      callId: live.call.id,
      overflowTarget: r.target,
      queueId,
      waitMs: waited,
    });
  } else if (live.call.state === 'overflowing') {
    d.move(live, { type: 'overflow-failed', status: r.status });
    live.control.reject(r.status >= 400 ? r.status : 480);
  }
  d.changed(live);
}
