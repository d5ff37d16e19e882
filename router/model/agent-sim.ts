/**
 * A simulated world for the agent state machine's property tests: it sends events, runs the timer
 * effects, tracks which offers ring and which calls are up (including calls whose BYE was lost),
 * and checks the invariants after every accepted event (see agent.property.test.ts).
 */
import { availability, newAgent, occupancy, transition } from './agent.js';
import { CHANNELS } from './agent-types.js';
import type { Agent, AgentConfig, AgentEvent, Channel, TransitionResult } from './agent-types.js';

export type Cmd =
  | { k: 'log-in' | 'log-out' | 'set-ready' | 'reconcile' | 'stale-timer' }
  | { k: 'set-not-ready'; reason: string }
  | { k: 'presence'; available: boolean; reason?: string }
  | { k: 'devices'; n: number }
  | { k: 'offer'; channel: Channel; timeoutMs: number; wrapUpMs?: number }
  | { k: 'accept' | 'decline' | 'unanswered' | 'withdraw' | 'hangup' | 'lose-bye' | 'wrap-done'; i: number }
  | { k: 'extend'; i: number; ms: number }
  | { k: 'call-started'; channel: Channel }
  | { k: 'advance'; ms: number }
  | { k: 'bogus'; event: AgentEvent };

export class World {
  agent: Agent;
  now = 0;
  accepted = 0;
  seq = 0;
  readonly timers = new Map<string, number>();
  readonly liveOffers = new Set<string>();
  readonly liveCalls = new Set<string>();
  readonly ghostCalls = new Set<string>();

  constructor(config: AgentConfig) {
    this.agent = newAgent('a', config);
  }

  fresh(prefix: string): string {
    return `${prefix}${this.seq++}`;
  }

  /**
   * Applies one event and carries out its effects, checking them as it goes; `world` records what
   * the rest of the system did when the agent accepted (e.g. an offer now rings), before the checks.
   */
  send(event: AgentEvent, world?: () => void): TransitionResult {
    const before = this.agent;
    const r = transition(before, event, this.now);
    if (!r.ok) {
      if (this.agent !== before) throw new Error('a refusal changed the agent');
      return r;
    }
    this.accepted++;
    if (r.agent.version !== before.version + 1) throw new Error('version did not grow by one');
    this.agent = r.agent;
    for (const e of r.effects) {
      if (e.type === 'start-timer') {
        if (this.timers.has(e.timerId) || e.atMs <= this.now) throw new Error(`bad start ${e.timerId}`);
        this.timers.set(e.timerId, e.atMs);
      } else if (e.type === 'cancel-timer') {
        if (!this.timers.delete(e.timerId)) throw new Error(`cancel of a timer not running: ${e.timerId}`);
      } else if (e.type === 'revoke-offer') {
        if (!this.liveOffers.delete(e.offerId)) throw new Error(`revoke of an unknown offer ${e.offerId}`);
      } else if (e.event.version !== r.agent.version || e !== r.effects.at(-1)) {
        throw new Error('the transition record must come last with the new version');
      }
    }
    world?.();
    this.check();
    return r;
  }

  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      const due = [...this.timers].filter(([, at]) => at <= target).sort((a, b) => a[1] - b[1])[0];
      if (due === undefined) break;
      this.now = due[1];
      this.timers.delete(due[0]);
      const r = this.send({ type: 'timer-fired', timerId: due[0] });
      if (!r.ok) throw new Error(`a running timer was refused: ${r.message}`);
    }
    this.now = target;
  }

  check(): void {
    const a = this.agent;
    if (a.version !== this.accepted) throw new Error('version != accepted events');
    if (a.mode === 'logged-out' && a.work.length > 0) throw new Error('logged out with work');
    for (const c of CHANNELS)
      if (occupancy(a, c) > a.config.capacity[c]) throw new Error(`${c} over capacity`);
    const reserved = a.work.flatMap((w) => (w.state === 'reserved' ? [w.offerId] : []));
    if (!sameSet(reserved, this.liveOffers)) throw new Error('reserved items != live offers');
    const calls = a.work.flatMap((w) => (w.state === 'on-call' ? [w.callId] : []));
    if (calls.some((c) => !this.liveCalls.has(c) && !this.ghostCalls.has(c)))
      throw new Error('on-call without a call');
    if ([...this.liveCalls].some((c) => !calls.includes(c))) throw new Error('a live call is not on-call');
    const timed = a.work.flatMap((w) => (w.state === 'on-call' ? [] : [[w.timerId, w.deadlineMs] as const]));
    if (
      !sameSet(
        timed.map(([id]) => id),
        new Set(this.timers.keys()),
      )
    )
      throw new Error('timers != transient items');
    if (timed.some(([id, at]) => this.timers.get(id) !== at || at < this.now))
      throw new Error('timer deadline mismatch');
    const max = a.config.maxConsecutiveNoAnswers;
    if (a.mode === 'ready' && max > 0 && a.noAnswerCount >= max)
      throw new Error('ready past the no-answer limit');
  }
}

function sameSet(list: readonly string[], set: ReadonlySet<string>): boolean {
  return list.length === set.size && list.every((x) => set.has(x));
}

function pick<T>(items: Iterable<T>, i: number): T | undefined {
  const arr = [...items];
  return arr.length === 0 ? undefined : arr[i % arr.length];
}

function wrapUpCall(w: World, i: number): string {
  return (
    pick(
      w.agent.work.filter((x) => x.state === 'wrap-up').map((x) => x.callId),
      i,
    ) ?? 'none'
  );
}

type Handlers = { [K in Cmd['k']]: (w: World, c: Cmd & { k: K }) => void };

function offerCmd(w: World, c: Cmd & { k: 'offer' }): void {
  const offerId = w.fresh('o');
  const free = availability(w.agent)[c.channel] === 'available';
  const base = { type: 'offer', offerId, channel: c.channel, timeoutMs: c.timeoutMs } as const;
  const event: AgentEvent = c.wrapUpMs === undefined ? base : { ...base, wrapUpMs: c.wrapUpMs };
  const r = w.send(event, () => w.liveOffers.add(offerId));
  if (r.ok !== free) throw new Error('offer acceptance disagrees with availability()');
}

function acceptCmd(w: World, c: { i: number }): void {
  const offerId = pick(w.liveOffers, c.i) ?? 'none';
  const callId = w.fresh('c');
  w.send({ type: 'offer-accepted', offerId, callId }, () => {
    w.liveOffers.delete(offerId);
    w.liveCalls.add(callId);
  });
}

function releaseCmd(type: 'offer-declined' | 'offer-withdrawn' | 'offer-unanswered') {
  return (w: World, c: { i: number }): void => {
    const offerId = pick(w.liveOffers, c.i) ?? 'none';
    w.send({ type, offerId }, () => w.liveOffers.delete(offerId));
  };
}

/** The call really ends; with `lost`, the agent never hears of it (a lost BYE). */
function hangupCmd(lost: boolean) {
  return (w: World, c: { i: number }): void => {
    const callId = pick(w.liveCalls, c.i);
    if (callId === undefined) return;
    w.liveCalls.delete(callId);
    if (lost) {
      w.ghostCalls.add(callId);
      w.check();
    } else if (!w.send({ type: 'call-ended', callId }).ok) {
      throw new Error('BYE for a live call refused');
    }
  };
}

const HANDLERS: Handlers = {
  'log-in': (w) => w.send({ type: 'log-in' }),
  'log-out': (w) => w.send({ type: 'log-out' }),
  'set-ready': (w) => w.send({ type: 'set-ready' }),
  'set-not-ready': (w, c) => w.send({ type: 'set-not-ready', reason: c.reason }),
  presence: (w, c) =>
    w.send(
      c.reason === undefined
        ? { type: 'presence-changed', available: c.available }
        : { type: 'presence-changed', available: c.available, reason: c.reason },
    ),
  devices: (w, c) => w.send({ type: 'devices-changed', registered: c.n }),
  offer: offerCmd,
  accept: acceptCmd,
  decline: releaseCmd('offer-declined'),
  withdraw: releaseCmd('offer-withdrawn'),
  unanswered: releaseCmd('offer-unanswered'),
  'call-started': (w, c) => {
    const callId = w.fresh('c');
    w.send({ type: 'call-started', callId, channel: c.channel }, () => w.liveCalls.add(callId));
  },
  hangup: hangupCmd(false),
  'lose-bye': hangupCmd(true),
  reconcile: (w) => {
    w.send({ type: 'reconcile', liveCallIds: [...w.liveCalls] });
    w.ghostCalls.clear();
    w.check();
  },
  extend: (w, c) => w.send({ type: 'wrap-up-extend', callId: wrapUpCall(w, c.i), extendMs: c.ms }),
  'wrap-done': (w, c) => w.send({ type: 'wrap-up-done', callId: wrapUpCall(w, c.i) }),
  advance: (w, c) => w.advance(c.ms),
  'stale-timer': (w) => {
    if (w.send({ type: 'timer-fired', timerId: w.fresh('stale') }).ok)
      throw new Error('stale timer accepted');
  },
  bogus: (w, c) => w.send(c.event),
};

/** Runs one command against the world (and so the agent). */
export function step(w: World, c: Cmd): void {
  (HANDLERS[c.k] as (w: World, c: Cmd) => void)(w, c);
}
