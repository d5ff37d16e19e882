/**
 * Offers of queued calls to agents, for the coordinator: reserve each agent through its single
 * writer (agent machine `offer`), ring its devices (CallControl.offer), and end every offer
 * exactly once with its outcome — answered (`offer-accepted`: the agent is on the call), busy or
 * declined (`offer-declined`), no-answer on the ring timeout (`offer-unanswered`, which counts
 * towards auto-pause), or withdrawn (`offer-withdrawn`: the caller left or another agent won).
 *
 * Timers: each offer has its ring timeout; once withdrawn, a safety timer ends it even if the SIP
 * layer never reports back, so no agent stays reserved and no call waits on a lost leg.
 */
import type { Clock } from '../../sip-engine/util/clock.js';
import type { AgentEvent } from '../model/agent-types.js';
import type { SubmitResult } from '../agent-state/agent-state-types.js';
import type { EntryEvent } from '../queues/model/queue-entry.js';
import type { Offer } from '../queues/policy/routing-types.js';
import type { AgentBook } from './agent-book.js';
import type { CallPublisher } from './call-publisher.js';
import type { AgentPort, CallLog, OfferResult } from './call-ports.js';
import type { CallEvent } from './model/call.js';
import { agentEventOf } from './policy/offer-failure.js';
import type { OfferOutcome } from './policy/offer-failure.js';
import type { LiveCall, LiveOffer, WithdrawReason } from './live-call.js';

/** The reservation outlives the ring timeout by this much (the CANCEL and its 487 take time). */
const RESERVE_MARGIN_MS = 10_000;
/** After a withdrawal, the SIP layer has this long to report the leg's end (Timer B is 32 s). */
const STUCK_AFTER_MS = 40_000;

export interface OfferRunnerDeps {
  readonly clock: Clock;
  readonly agents: AgentPort;
  readonly book: AgentBook;
  readonly pub: CallPublisher;
  readonly log: CallLog;
  readonly now: () => number;
  readonly moveCall: (live: LiveCall, e: CallEvent) => void;
  readonly entryEvent: (live: LiveCall, e: EntryEvent) => boolean;
  readonly changed: (live: LiveCall) => void;
}

export class OfferRunner {
  readonly #d: OfferRunnerDeps;
  #seq = 0;

  constructor(deps: OfferRunnerDeps) {
    this.#d = deps;
  }

  /** Submits an agent event; the result refreshes the routing view. Refusals are logged. */
  async submit(agentId: string, event: AgentEvent): Promise<SubmitResult | undefined> {
    try {
      const r = await this.#d.agents.submit(agentId, event);
      if (r.ok) this.#d.book.update(r.agent, this.#d.now());
      else this.#d.log.info({ agentId, event: event.type, code: r.code }, 'agent event refused');
      return r;
    } catch (err) {
      this.#d.log.error({ agentId, event: event.type, err }, 'agent event failed');
      return undefined;
    }
  }

  /** Reserves the decision's agents, then rings those reserved. */
  async start(live: LiveCall, offer: Offer): Promise<void> {
    const ids = offer.agentIds.map((agentId) => ({ agentId, offerId: `${live.call.id}.o${++this.#seq}` }));
    const timeoutMs = offer.ringTimeoutMs + RESERVE_MARGIN_MS;
    // The queue's wrap-up rides with the reservation and applies when the call ends.
    const wrapUp = offer.wrapUpMs !== undefined ? { wrapUpMs: offer.wrapUpMs } : {};
    const results = await Promise.all(
      ids.map((x) =>
        this.submit(x.agentId, { type: 'offer', offerId: x.offerId, channel: 'voice', timeoutMs, ...wrapUp }),
      ),
    );
    const reserved = ids.filter((_, i) => results[i]?.ok === true);
    for (const x of ids.filter((_, i) => results[i]?.ok !== true))
      await this.#d.book.refresh(x.agentId, this.#d.now());
    if (live.call.state === 'ended' || live.entry?.state !== 'waiting' || reserved.length === 0) {
      for (const x of reserved) await this.submit(x.agentId, { type: 'offer-withdrawn', offerId: x.offerId });
      this.#d.changed(live);
      return;
    }
    const group = {
      type: 'offer' as const,
      offerId: `${live.call.id}.g${this.#seq}`,
      ringTimeoutMs: offer.ringTimeoutMs,
    };
    this.#d.entryEvent(live, { ...group, agentIds: reserved.map((x) => x.agentId) });
    this.#d.moveCall(live, { type: 'offering' });
    for (const x of reserved) this.#ring(live, x.agentId, x.offerId, offer);
    this.#d.changed(live);
  }

  #ring(live: LiveCall, agentId: string, offerId: string, offer: Offer): void {
    const personalManager = offer.reason === 'personal-manager';
    const o: LiveOffer = { offerId, agentId, startedMs: this.#d.now(), personalManager };
    o.ringTimer = this.#d.clock.setTimer(() => this.withdraw(live, o, 'no-answer'), offer.ringTimeoutMs);
    live.offers.set(offerId, o);
    const onRinging = (devices: number): void =>
      this.#d.pub.publish('callOffered', {
        callId: live.call.id,
        offerId,
        agentId,
        queueId: offer.queueId,
        caller: live.caller,
        devices,
        personalManager,
      });
    void live.control
      .offer({ offerId, agentId, queueId: offer.queueId, personalManager }, onRinging)
      .catch((err: unknown): OfferResult => {
        this.#d.log.error({ callId: live.call.id, offerId, err }, 'offer failed');
        return { outcome: 'failed', failure: 'failed' };
      })
      .then((r) => this.#ended(live, o, r));
  }

  /** Stops ringing one offer (its result arrives later as `cancelled`). */
  withdraw(live: LiveCall, o: LiveOffer, reason: WithdrawReason): void {
    if (o.withdrawn !== undefined || !live.offers.has(o.offerId)) return;
    o.ringTimer?.cancel();
    if (!live.control.withdraw(o.offerId)) return; // being answered: its result says so
    o.withdrawn = reason;
    o.stuckTimer = this.#d.clock.setTimer(() => {
      this.#d.log.warn({ callId: live.call.id, offerId: o.offerId }, 'offer leg never ended; released');
      void this.#ended(live, o, { outcome: 'failed', failure: 'failed' });
    }, STUCK_AFTER_MS);
  }

  withdrawAll(live: LiveCall, reason: WithdrawReason, except?: string): void {
    for (const o of [...live.offers.values()]) if (o.offerId !== except) this.withdraw(live, o, reason);
  }

  async #ended(live: LiveCall, o: LiveOffer, r: OfferResult): Promise<void> {
    if (live.offers.get(o.offerId) !== o) return; // already ended (safety timer)
    live.offers.delete(o.offerId);
    o.ringTimer?.cancel();
    o.stuckTimer?.cancel();
    const outcome = this.#outcomeOf(o, r);
    const ringMs = Math.max(0, Math.round(this.#d.now() - o.startedMs));
    const status = 'status' in r && r.status !== undefined ? { status: r.status } : {};
    const callId = live.call.id;
    this.#d.pub.publish('callOfferEnded', {
      callId,
      offerId: o.offerId,
      agentId: o.agentId,
      outcome,
      ringMs,
      ...status,
    });
    if (outcome === 'answered') await this.#answered(live, o);
    else await this.#failed(live, o, outcome);
    this.#d.changed(live);
  }

  #outcomeOf(o: LiveOffer, r: OfferResult): OfferOutcome {
    if (r.outcome === 'answered') return 'answered';
    if (r.outcome === 'failed') return r.failure;
    return o.withdrawn === 'no-answer' ? 'no-answer' : 'cancelled';
  }

  async #answered(live: LiveCall, o: LiveOffer): Promise<void> {
    const callId = live.call.id;
    if (live.call.state !== 'offering') {
      // The caller left while the agent answered: the SIP layer already hung the agent up.
      await this.submit(o.agentId, { type: 'offer-withdrawn', offerId: o.offerId });
      return;
    }
    this.#d.entryEvent(live, { type: 'answered', agentId: o.agentId });
    this.#d.moveCall(live, { type: 'answered', agentId: o.agentId });
    this.#d.book.answered(o.agentId);
    this.withdrawAll(live, 'cancelled', o.offerId);
    const wait = Math.max(0, Math.round(this.#d.now() - (live.call.queuedMs ?? live.call.arrivedMs)));
    this.#d.pub.publish('callAnswered', {
      callId,
      agentId: o.agentId,
      ...(live.call.queueId !== undefined ? { queueId: live.call.queueId } : {}),
      waitMs: wait,
    });
    await this.submit(o.agentId, { type: 'offer-accepted', offerId: o.offerId, callId });
  }

  async #failed(live: LiveCall, o: LiveOffer, outcome: Exclude<OfferOutcome, 'answered'>): Promise<void> {
    const failure = outcome === 'cancelled' || outcome === 'failed' ? undefined : outcome;
    const event: AgentEvent =
      failure === undefined
        ? { type: 'offer-withdrawn', offerId: o.offerId }
        : { type: agentEventOf(failure), offerId: o.offerId };
    await this.submit(o.agentId, event);
    const entry = live.entry;
    if (entry?.state !== 'offering' || !entry.offer?.agentIds.includes(o.agentId)) return;
    const last = entry.offer.agentIds.length === 1;
    if (failure === undefined && last) this.#d.entryEvent(live, { type: 'offer-withdrawn' });
    else
      this.#d.entryEvent(live, { type: 'offer-failed', agentId: o.agentId, reason: failure ?? 'no-answer' });
    if (live.entry?.state === 'waiting' && live.call.state === 'offering')
      this.#d.moveCall(live, { type: 'offer-ended' });
  }
}
