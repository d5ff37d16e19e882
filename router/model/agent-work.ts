/**
 * Handlers for work items: offers (reserved), calls (on-call), wrap-up, their timers, and
 * reconciliation against the live dialogs (design §6: an agent never stays "in call" after a lost
 * BYE).
 */
import { occupancy, unavailabilityReasons } from './agent-availability.js';
import { isChannel } from './agent-types.js';
import type {
  Agent,
  AgentEffect,
  AgentEvent,
  OnCallItem,
  ReservedItem,
  WorkItem,
  WrapUpItem,
} from './agent-types.js';
import { accept, allocTimer, countNoAnswer, illegal, isNonEmpty, replaceItem } from './agent-step.js';
import type { Step } from './agent-step.js';

type Ev<T extends AgentEvent['type']> = Extract<AgentEvent, { type: T }>;

const isReserved = (w: WorkItem): w is ReservedItem => w.state === 'reserved';
const isOnCall = (w: WorkItem): w is OnCallItem => w.state === 'on-call';
const isWrapUp = (w: WorkItem): w is WrapUpItem => w.state === 'wrap-up';

function reservation(agent: Agent, offerId: string): ReservedItem | undefined {
  return agent.work.filter(isReserved).find((w) => w.offerId === offerId);
}

/** A call id is taken while the call is on-call or wrapping up. */
function callTaken(agent: Agent, callId: string): boolean {
  return agent.work.some((w) => w.state !== 'reserved' && w.callId === callId);
}

function positive(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0;
}

/** An optional wrap-up override: absent, or a finite number of ms ≥ 0. */
function wrapUpOverride(ms: unknown): boolean {
  return ms === undefined || (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0);
}

/** Reserve the agent for an offer, with a timer: the offer ends by answer, refusal or timeout. */
export function offer(agent: Agent, e: Ev<'offer'>, nowMs: number): Step {
  if (!isNonEmpty(e.offerId) || !positive(e.timeoutMs) || !wrapUpOverride(e.wrapUpMs))
    return illegal(agent, e, 'invalid-event', 'offerId, timeoutMs > 0 and wrapUpMs ≥ 0 if given');
  if (!isChannel(e.channel)) return illegal(agent, e, 'unknown-channel', String(e.channel));
  if (agent.mode === 'logged-out') return illegal(agent, e, 'not-logged-in', 'log in first');
  if (reservation(agent, e.offerId)) return illegal(agent, e, 'duplicate-offer', e.offerId);
  const reasons = unavailabilityReasons(agent, e.channel);
  if (reasons.length > 0) return illegal(agent, e, 'not-available', `${e.channel}: ${reasons.join(', ')}`);
  const [timerId, next] = allocTimer(agent);
  const item: ReservedItem = {
    state: 'reserved',
    channel: e.channel,
    offerId: e.offerId,
    deadlineMs: nowMs + e.timeoutMs,
    timerId,
    ...(e.wrapUpMs !== undefined ? { wrapUpMs: e.wrapUpMs } : {}),
  };
  return accept({ ...next, work: [...next.work, item] }, [
    { type: 'start-timer', timerId, atMs: item.deadlineMs },
  ]);
}

export function offerAccepted(agent: Agent, e: Ev<'offer-accepted'>, nowMs: number): Step {
  const r = reservation(agent, e.offerId);
  if (!r) return illegal(agent, e, 'unknown-offer', e.offerId);
  if (!isNonEmpty(e.callId)) return illegal(agent, e, 'invalid-event', 'callId required');
  if (callTaken(agent, e.callId)) return illegal(agent, e, 'duplicate-call', e.callId);
  const call: OnCallItem = {
    state: 'on-call',
    channel: r.channel,
    callId: e.callId,
    offerId: r.offerId,
    sinceMs: nowMs,
    ...(r.wrapUpMs !== undefined ? { wrapUpMs: r.wrapUpMs } : {}),
  };
  return accept({ ...replaceItem(agent, r, call), noAnswerCount: 0 }, [
    { type: 'cancel-timer', timerId: r.timerId },
  ]);
}

/** Declined by the agent or withdrawn by the router (caller gone, answered elsewhere): no count. */
export function offerReleased(agent: Agent, e: Ev<'offer-declined' | 'offer-withdrawn'>): Step {
  const r = reservation(agent, e.offerId);
  if (!r) return illegal(agent, e, 'unknown-offer', e.offerId);
  return accept(replaceItem(agent, r, undefined), [{ type: 'cancel-timer', timerId: r.timerId }]);
}

/** The agent's devices did not answer: counts toward the automatic pause. */
export function offerUnanswered(agent: Agent, e: Ev<'offer-unanswered'>): Step {
  const r = reservation(agent, e.offerId);
  if (!r) return illegal(agent, e, 'unknown-offer', e.offerId);
  return accept(countNoAnswer(replaceItem(agent, r, undefined)), [
    { type: 'cancel-timer', timerId: r.timerId },
  ]);
}

/** A timer the caller started for us fired: the offer timed out, or the wrap-up is over. */
export function timerFired(agent: Agent, e: Ev<'timer-fired'>): Step {
  const item = agent.work.find((w) => w.state !== 'on-call' && w.timerId === e.timerId);
  if (item === undefined || item.state === 'on-call') return illegal(agent, e, 'unknown-timer', e.timerId);
  if (item.state === 'wrap-up') return accept(replaceItem(agent, item, undefined));
  const effects: AgentEffect[] = [{ type: 'revoke-offer', offerId: item.offerId, reason: 'timeout' }];
  return accept(countNoAnswer(replaceItem(agent, item, undefined)), effects);
}

/** A call the agent is on without an offer (outbound, or found by reconciliation of a new dialog). */
export function callStarted(agent: Agent, e: Ev<'call-started'>, nowMs: number): Step {
  if (!isNonEmpty(e.callId)) return illegal(agent, e, 'invalid-event', 'callId required');
  if (!isChannel(e.channel)) return illegal(agent, e, 'unknown-channel', String(e.channel));
  if (agent.mode === 'logged-out') return illegal(agent, e, 'not-logged-in', 'log in first');
  if (callTaken(agent, e.callId)) return illegal(agent, e, 'duplicate-call', e.callId);
  if (occupancy(agent, e.channel) >= agent.config.capacity[e.channel]) {
    return illegal(
      agent,
      e,
      'capacity-exceeded',
      `${e.channel} capacity ${agent.config.capacity[e.channel]}`,
    );
  }
  const call: OnCallItem = { state: 'on-call', channel: e.channel, callId: e.callId, sinceMs: nowMs };
  return accept({ ...agent, work: [...agent.work, call] });
}

/**
 * on-call → wrap-up (with its timer), or gone when there is no wrap-up time: the queue's wrap-up
 * carried from the offer when there is one, else the agent's.
 */
function endCall(agent: Agent, call: OnCallItem, nowMs: number, effects: AgentEffect[]): Agent {
  const wrapUpMs = call.wrapUpMs ?? agent.config.wrapUpMs;
  if (wrapUpMs <= 0) return replaceItem(agent, call, undefined);
  const [timerId, next] = allocTimer(agent);
  const deadlineMs = nowMs + wrapUpMs;
  const wrap: WrapUpItem = {
    state: 'wrap-up',
    channel: call.channel,
    callId: call.callId,
    startedMs: nowMs,
    deadlineMs,
    timerId,
  };
  effects.push({ type: 'start-timer', timerId, atMs: deadlineMs });
  return replaceItem(next, call, wrap);
}

export function callEnded(agent: Agent, e: Ev<'call-ended'>, nowMs: number): Step {
  const call = agent.work.filter(isOnCall).find((w) => w.callId === e.callId);
  if (!call) return illegal(agent, e, 'unknown-call', e.callId);
  const effects: AgentEffect[] = [];
  return accept(endCall(agent, call, nowMs, effects), effects);
}

/** Calls the agent is "on" that no live dialog backs (a lost BYE) end as if hung up. */
export function reconcile(agent: Agent, e: Ev<'reconcile'>, nowMs: number): Step {
  const live = new Set(e.liveCallIds);
  const ghosts = agent.work.filter(isOnCall).filter((w) => !live.has(w.callId));
  if (ghosts.length === 0) return illegal(agent, e, 'no-change', 'every call is live');
  const effects: AgentEffect[] = [];
  let next = agent;
  for (const ghost of ghosts) next = endCall(next, ghost, nowMs, effects);
  return accept(next, effects);
}

function wrapUp(agent: Agent, callId: string): WrapUpItem | undefined {
  return agent.work.filter(isWrapUp).find((w) => w.callId === callId);
}

/** The agent asks for more wrap-up time, up to maxWrapUpMs from its start. */
export function wrapUpExtend(agent: Agent, e: Ev<'wrap-up-extend'>): Step {
  const w = wrapUp(agent, e.callId);
  if (!w) return illegal(agent, e, 'not-in-wrap-up', e.callId);
  if (!positive(e.extendMs)) return illegal(agent, e, 'invalid-event', 'extendMs > 0');
  const deadlineMs = w.deadlineMs + e.extendMs;
  if (deadlineMs - w.startedMs > agent.config.maxWrapUpMs) {
    return illegal(agent, e, 'wrap-up-limit', `wrap-up is limited to ${agent.config.maxWrapUpMs} ms`);
  }
  const [timerId, next] = allocTimer(agent);
  const effects: AgentEffect[] = [
    { type: 'cancel-timer', timerId: w.timerId },
    { type: 'start-timer', timerId, atMs: deadlineMs },
  ];
  return accept(replaceItem(next, w, { ...w, deadlineMs, timerId }), effects);
}

export function wrapUpDone(agent: Agent, e: Ev<'wrap-up-done'>): Step {
  const w = wrapUp(agent, e.callId);
  if (!w) return illegal(agent, e, 'not-in-wrap-up', e.callId);
  return accept(replaceItem(agent, w, undefined), [{ type: 'cancel-timer', timerId: w.timerId }]);
}
