/**
 * The agent state machine: ONE pure transition function. No I/O; time is passed in; timers and
 * notifications are returned as effects for the single writer of this agent to carry out:
 *
 *   const r = transition(agent, event, clock.now());
 *   if (!r.ok) → refused (r.code); nothing changed
 *   else → store r.agent (its version is agent.version + 1), then run r.effects in order:
 *          start-timer (feed { type: 'timer-fired', timerId } back when it fires), cancel-timer,
 *          revoke-offer (stop ringing, re-queue), emit (publish on the bus, append a history row)
 *
 * The lifecycles are drawn in agent-types.ts; availability rules are in agent-availability.ts.
 */
import { agentStatus } from './agent-availability.js';
import { logIn, logOut, presenceChanged, devicesChanged, setNotReady, setReady } from './agent-session.js';
import type { Step } from './agent-step.js';
import { defaultAgentConfig } from './agent-types.js';
import type {
  Agent,
  AgentConfig,
  AgentEvent,
  AgentTransitionRecord,
  TransitionResult,
} from './agent-types.js';
import {
  callEnded,
  callStarted,
  offer,
  offerAccepted,
  offerReleased,
  offerUnanswered,
  reconcile,
  timerFired,
  wrapUpDone,
  wrapUpExtend,
} from './agent-work.js';

export * from './agent-types.js';
export {
  agentStatus,
  availability,
  channelAvailability,
  occupancy,
  unavailabilityReasons,
} from './agent-availability.js';
export type { ChannelAvailability, UnavailabilityReason } from './agent-availability.js';

/** A logged-out agent with no devices and permissive presence (nothing known yet). */
export function newAgent(id: string, config: AgentConfig = defaultAgentConfig): Agent {
  return {
    id,
    version: 0,
    config,
    mode: 'logged-out',
    work: [],
    noAnswerCount: 0,
    presence: { available: true },
    registeredDevices: 0,
    nextTimerSeq: 1,
  };
}

function dispatch(agent: Agent, e: AgentEvent, nowMs: number): Step {
  switch (e.type) {
    case 'log-in':
      return logIn(agent, e);
    case 'log-out':
      return logOut(agent, e);
    case 'set-ready':
      return setReady(agent, e);
    case 'set-not-ready':
      return setNotReady(agent, e);
    case 'offer':
      return offer(agent, e, nowMs);
    case 'offer-accepted':
      return offerAccepted(agent, e, nowMs);
    case 'offer-declined':
    case 'offer-withdrawn':
      return offerReleased(agent, e);
    case 'offer-unanswered':
      return offerUnanswered(agent, e);
    case 'call-started':
      return callStarted(agent, e, nowMs);
    case 'call-ended':
      return callEnded(agent, e, nowMs);
    case 'wrap-up-extend':
      return wrapUpExtend(agent, e);
    case 'wrap-up-done':
      return wrapUpDone(agent, e);
    case 'timer-fired':
      return timerFired(agent, e);
    case 'presence-changed':
      return presenceChanged(agent, e);
    case 'devices-changed':
      return devicesChanged(agent, e);
    case 'reconcile':
      return reconcile(agent, e, nowMs);
  }
}

/**
 * Applies one event. Accepted: the new agent (version + 1) and its effects, the last of which is
 * always the `emit` of the transition record. Refused: an IllegalTransition value.
 */
export function transition(agent: Agent, event: AgentEvent, nowMs: number): TransitionResult {
  const step = dispatch(agent, event, nowMs);
  if (!step.ok) return step;
  const next: Agent = { ...step.agent, version: agent.version + 1 };
  const record: AgentTransitionRecord = {
    type: 'agent.transition',
    agentId: agent.id,
    version: next.version,
    atMs: nowMs,
    cause: event,
    from: agentStatus(agent),
    to: agentStatus(next),
    mode: next.mode,
    ...(next.notReadyReason !== undefined ? { notReadyReason: next.notReadyReason } : {}),
  };
  return { ok: true, agent: next, effects: [...step.effects, { type: 'emit', event: record }] };
}
