/**
 * The call coordinator: every live inbound call, its queue entry and its offers, in one place.
 * No SIP types and no I/O of its own: SIP goes through each call's {@link CallControl}, agents
 * through the single writer ({@link AgentPort}), events through the bus; time from the clock.
 *
 * The routing policy (`decide()`, router/queues/policy) runs whenever something changes: a call
 * joins, an agent's state changes, an offer ends, or a timer fires (ring timeout, maximum wait,
 * overflow threshold — personal-manager ringing is a ring timeout). Decisions are serialized, so
 * an agent is reserved (agent machine `offer`) before the next decision sees it, and never gets
 * two offers. Every transient state has a timer, and every exit releases agents, offers, timers:
 *
 *   a call is forgotten (and `call.ended` published) only once its last offer has ended.
 *
 * A periodic reconciliation (call-reconciler.ts) ends connected calls whose dialog ended unreported
 * and takes agents off calls that are gone (design §6: no ghost calls).
 */
import { admit, decide } from '../queues/policy/decide.js';
import type { EntryOutcome, Offer } from '../queues/policy/routing-types.js';
import { newEntry, transitionEntry } from '../queues/model/queue-entry.js';
import type { EntryEvent } from '../queues/model/queue-entry.js';
import type { QueueActionData } from '../queues/model/queue-schema.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import type { EventBus, Unsubscribe } from '../../infra/bus/types.js';
import { AgentBook } from './agent-book.js';
import { CallPublisher } from './call-publisher.js';
import type {
  AgentFacts,
  AgentPort,
  ArrivingCall,
  CallControl,
  CallEventsSink,
  CallLog,
} from './call-ports.js';
import { newCall, transitionCall, waitMs } from './model/call.js';
import type { CallEvent, HungUpBy } from './model/call.js';
import { OfferRunner } from './offer-runner.js';
import { overflowToNumbers } from './overflow.js';
import { QueueBook } from './queue-book.js';
import type { QueueSpecData } from '../queues/model/queue-schema.js';
import { queueSnapshot } from './queue-snapshot.js';
import { QueueStatePublisher } from './queue-state-publisher.js';
import type { LiveCall } from './live-call.js';
import { CallReconciler } from './call-reconciler.js';

export interface CoordinatorDeps {
  readonly clock: Clock;
  readonly bus: EventBus;
  readonly agents: AgentPort;
  readonly facts: (agentId: string) => AgentFacts | undefined;
  readonly queues: readonly QueueSpecData[];
  readonly log: CallLog;
  /** Retry-After seconds on a 503 refusal (RFC 3261 §21.5.4). */
  readonly retryAfterS?: number;
  /** Reconciliation sweep period (config `calls.reconcileIntervalS`); default 30 s, 0 = none. */
  readonly reconcileIntervalMs?: number;
}

export type Arrival = { readonly accepted: true } | { readonly accepted: false; readonly status: number };

export class CallCoordinator implements CallEventsSink {
  readonly #deps: CoordinatorDeps;
  readonly #calls = new Map<string, LiveCall>();
  readonly #queues: QueueBook;
  readonly #book: AgentBook;
  readonly #pub: CallPublisher;
  readonly #queueState: QueueStatePublisher;
  readonly #offers: OfferRunner;
  readonly #reconciler: CallReconciler;
  readonly #idleWaiters: (() => void)[] = [];
  #unsubscribe: Unsubscribe | undefined;
  #dirty = false;
  #running = false;

  constructor(deps: CoordinatorDeps) {
    this.#deps = deps;
    this.#queues = new QueueBook(deps.queues);
    this.#book = new AgentBook(deps.agents, deps.facts);
    this.#pub = new CallPublisher(deps.bus, deps.clock, deps.log);
    this.#queueState = new QueueStatePublisher({
      clock: deps.clock,
      bus: deps.bus,
      log: deps.log,
      queueIds: this.#queues.configuredIds(),
      snapshot: (id) => queueSnapshot(this.#queues.get(id), id, this.#entries(), this.#book, this.#now()),
    });
    this.#offers = new OfferRunner({
      clock: deps.clock,
      agents: deps.agents,
      book: this.#book,
      pub: this.#pub,
      log: deps.log,
      now: () => this.#now(),
      moveCall: (live, e) => this.#move(live, e),
      entryEvent: (live, e) => this.#entryEvent(live, e),
      changed: (live) => this.#changed(live),
    });
    this.#reconciler = new CallReconciler({
      clock: deps.clock,
      intervalMs: deps.reconcileIntervalMs ?? 30_000,
      log: deps.log,
      calls: () => this.#calls.values(),
      agents: async () => {
        const ids = this.#book.routingAgents().map((r) => r.agent.id);
        const now = await Promise.all(ids.map((id) => deps.agents.snapshot(id)));
        return now.filter((a) => a !== undefined);
      },
      hungUp: (callId, by) => this.hungUp(callId, by),
      submit: (agentId, event) => this.#offers.submit(agentId, event),
    });
  }

  /** Loads the members' states, publishes every queue once, follows agent state changes. */
  async start(): Promise<void> {
    const ids = new Set(this.#queues.all().flatMap((q) => q.spec.members.map((m) => m.agentId)));
    const now = this.#now();
    await Promise.all([...ids].map((id) => this.#book.refresh(id, now)));
    this.#unsubscribe = this.#deps.bus.subscribe('agent.state.*', (env) => {
      const agentId = env.topic.slice('agent.state.'.length);
      void this.#agentChanged(agentId);
    });
    this.#queueState.start();
    this.#reconciler.start();
  }

  /** A new call: admitted to its queue (ringback) or refused with a status. */
  async arrive(info: ArrivingCall, control: CallControl, onFinish?: () => void): Promise<Arrival> {
    const now = this.#now();
    const spec =
      info.entry.kind === 'queue'
        ? this.#queues.get(info.entry.queueId)
        : this.#queues.direct(info.entry.agentId);
    if (spec === undefined) return { accepted: false, status: 404 };
    if (info.entry.kind === 'agent' && this.#book.get(info.entry.agentId) === undefined) {
      await this.#book.refresh(info.entry.agentId, now);
    }
    const live: LiveCall = {
      call: newCall(info.callId, now),
      control,
      caller: info.caller,
      offers: new Map(),
      ...(onFinish ? { onFinish } : {}),
    };
    this.#calls.set(info.callId, live);
    this.#pub.arrived(info);
    const admission = admit(spec, this.#entries(), this.#book.routingAgents(), now);
    if (!admission.admitted) {
      this.#act(live, admission.action, admission.cause === 'full' ? 'full' : 'refused', spec.id);
      const s = live.call.status;
      return s === undefined ? { accepted: true } : { accepted: false, status: s };
    }
    this.#join(live, spec, now, info.priority ?? 0);
    return { accepted: true };
  }

  /** The caller CANCELled or hung up (before or after being connected). */
  callerGone(callId: string): void {
    const live = this.#calls.get(callId);
    if (!live || live.call.state === 'ended') return;
    const wasConnected = live.call.state === 'connected';
    if (live.entry && (live.entry.state === 'waiting' || live.entry.state === 'offering')) {
      this.#entryEvent(live, { type: 'abandon' });
    }
    if (wasConnected) {
      this.hungUp(callId, 'caller');
      return;
    }
    this.#move(live, { type: 'caller-gone' });
    this.#offers.withdrawAll(live, 'cancelled');
    this.#changed(live);
  }

  /** A connected call ended: the agent goes to wrap-up (its machine's timer). */
  hungUp(callId: string, by: HungUpBy): void {
    const live = this.#calls.get(callId);
    if (!live || live.call.state !== 'connected') return;
    const talkMs = Math.max(0, Math.round(this.#now() - (live.call.answeredMs ?? this.#now())));
    this.#move(live, { type: 'hangup', by });
    live.talkMs = talkMs;
    const agentId = live.call.agentId;
    if (agentId !== undefined) {
      this.#book.talked(agentId, talkMs);
      void this.#offers.submit(agentId, { type: 'call-ended', callId });
    }
    this.#changed(live);
  }

  /** The agent machine ended a reservation itself (its timer, or the agent logged out). */
  revokeOffer(agentId: string, offerId: string): void {
    for (const live of this.#calls.values()) {
      const o = live.offers.get(offerId);
      if (o?.agentId === agentId) this.#offers.withdraw(live, o, 'revoked');
    }
  }

  activeCalls(): number {
    return this.#calls.size;
  }

  whenIdle(): Promise<void> {
    if (this.#calls.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Ids of the calls still held (for tests and the drain phase). */
  liveCallIds(): string[] {
    return [...this.#calls.keys()];
  }

  /** A waiting caller's queue and place in it (1 = next: higher priority, then earlier, first). */
  waitOf(callId: string): { readonly queueId: string; readonly position: number } | undefined {
    const me = this.#calls.get(callId)?.entry;
    if (me?.state !== 'waiting') return undefined;
    const ahead = this.#entries().filter(
      (e) =>
        e.queueId === me.queueId &&
        e.state === 'waiting' &&
        (e.priority > me.priority || (e.priority === me.priority && e.enteredMs < me.enteredMs)),
    );
    return { queueId: me.queueId, position: ahead.length + 1 };
  }

  close(): void {
    this.#unsubscribe?.();
    this.#queueState.close();
    this.#reconciler.close();
    for (const live of this.#calls.values()) live.waitTimer?.cancel();
  }

  #now(): number {
    return this.#deps.clock.wallNow().getTime();
  }

  #entries() {
    return [...this.#calls.values()].flatMap((l) => (l.entry ? [l.entry] : []));
  }

  #join(live: LiveCall, spec: QueueSpecData, enteredMs: number, priority: number): void {
    const first = live.call.state === 'arriving';
    live.entry = newEntry(live.call.id, spec.id, live.caller, enteredMs, priority);
    this.#move(live, first ? { type: 'queued', queueId: spec.id } : { type: 'requeued', queueId: spec.id });
    if (first) live.control.queued();
    const position = this.#entries().filter((e) => e.queueId === spec.id && e.state === 'waiting').length;
    this.#pub.publish('callQueued', { callId: live.call.id, queueId: spec.id, priority, position });
    this.#armWaitTimer(live, spec);
    this.#changed(live);
  }

  /** One timer per waiting entry: the nearest of its maximum wait and overflow threshold. */
  #armWaitTimer(live: LiveCall, spec: QueueSpecData): void {
    live.waitTimer?.cancel();
    const entered = live.entry?.enteredMs ?? this.#now();
    const deadlines = [
      spec.maxWaitSeconds > 0 ? entered + spec.maxWaitSeconds * 1000 : Infinity,
      spec.overflow ? entered + spec.overflow.afterSeconds * 1000 : Infinity,
    ];
    const at = Math.min(...deadlines);
    if (at === Infinity) return;
    live.waitTimer = this.#deps.clock.setTimer(() => this.#schedule(), Math.max(0, at - this.#now()) + 1);
  }

  #move(live: LiveCall, event: CallEvent): void {
    const r = transitionCall(live.call, event, this.#now());
    if (!r.ok) {
      this.#deps.log.warn({ callId: live.call.id, code: r.code }, r.message);
      return;
    }
    live.call = r.call;
  }

  #entryEvent(live: LiveCall, event: EntryEvent): boolean {
    if (!live.entry) return false;
    const r = transitionEntry(live.entry, event, this.#now());
    if (!r.ok) {
      this.#deps.log.warn({ callId: live.call.id, code: r.code }, r.message);
      return false;
    }
    live.entry = r.entry;
    return true;
  }

  /** Something about this call changed: publish its end once nothing is left, and decide again. */
  #changed(live: LiveCall): void {
    if (live.entry) this.#queueState.markDirty(live.entry.queueId);
    if (live.call.state === 'ended' && live.offers.size === 0 && this.#calls.has(live.call.id)) {
      this.#finish(live);
    }
    this.#schedule();
  }

  #finish(live: LiveCall): void {
    live.waitTimer?.cancel();
    this.#calls.delete(live.call.id);
    this.#pub.ended(live.call, waitMs(live.call, this.#now()), live.talkMs);
    live.onFinish?.();
    if (this.#calls.size === 0) for (const w of this.#idleWaiters.splice(0)) w();
  }

  async #agentChanged(agentId: string): Promise<void> {
    await this.#book.refresh(agentId, this.#now());
    for (const q of this.#queues.ofAgent(agentId)) this.#queueState.markDirty(q);
    this.#schedule();
  }

  /** Runs decide() soon; decisions never overlap, and a change during one runs another. */
  #schedule(): void {
    this.#dirty = true;
    if (this.#running) return;
    this.#running = true;
    queueMicrotask(() => void this.#loop());
  }

  async #loop(): Promise<void> {
    try {
      while (this.#dirty) {
        this.#dirty = false;
        await this.#decideOnce();
      }
    } catch (err) {
      this.#deps.log.error({ err }, 'routing decision failed');
    } finally {
      this.#running = false;
    }
  }

  async #decideOnce(): Promise<void> {
    const decision = decide(this.#queues.all(), this.#entries(), this.#book.routingAgents(), this.#now());
    this.#queues.moveCursors(decision.lastOfferedAgentIds);
    for (const out of decision.outcomes) this.#outcome(out);
    await Promise.all(decision.offers.map((o) => this.#offer(o)));
  }

  async #offer(offer: Offer): Promise<void> {
    const live = this.#calls.get(offer.entryId);
    if (!live || live.entry?.state !== 'waiting') return;
    await this.#offers.start(live, offer);
  }

  #outcome(out: EntryOutcome): void {
    const live = this.#calls.get(out.entryId);
    if (!live || live.entry?.state !== 'waiting') return;
    this.#act(live, out.action, out.cause === 'max-wait' ? 'max-wait' : 'refused');
  }

  /** Carries out a queue action: a refusal, or an overflow to another queue or to numbers. */
  #act(
    live: LiveCall,
    action: QueueActionData,
    why: 'full' | 'refused' | 'max-wait',
    arrivalQueue?: string,
  ): void {
    if (action.action === 'reject') {
      if (live.entry)
        this.#entryEvent(
          live,
          why === 'max-wait' ? { type: 'time-out' } : { type: 'reject', status: action.status },
        );
      const queueId = live.call.queueId ?? arrivalQueue;
      const timedOut = why === 'max-wait';
      this.#move(live, { type: 'refused', status: action.status, timedOut, ...(queueId ? { queueId } : {}) });
      live.control.reject(action.status, action.status === 503 ? (this.#deps.retryAfterS ?? 30) : undefined);
      this.#changed(live);
      return;
    }
    const target = action.target;
    const waited = waitMs(live.call, this.#now());
    const fromQueue = live.entry?.queueId ?? live.call.queueId ?? arrivalQueue ?? '';
    if (live.entry) this.#entryEvent(live, { type: 'overflow', target });
    if ('queue' in target) {
      const spec = this.#queues.get(target.queue);
      this.#pub.publish('callOverflowed', {
        callId: live.call.id,
        queueId: fromQueue,
        target: `queue:${target.queue}`,
        waitMs: waited,
      });
      if (spec) this.#join(live, spec, live.entry?.enteredMs ?? this.#now(), live.entry?.priority ?? 0);
      return;
    }
    void overflowToNumbers(live, target.numbers, fromQueue, waited, {
      move: (l, e) => this.#move(l, e),
      pub: this.#pub,
      now: () => this.#now(),
      changed: (l) => this.#changed(l),
    });
  }
}
