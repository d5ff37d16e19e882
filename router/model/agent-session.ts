/**
 * Handlers for the agent's mode and its inputs from the outside: log-in/out, ready/not-ready,
 * presence (the availability policy's verdict) and registered devices.
 */
import type { Agent, AgentEffect, AgentEvent } from './agent-types.js';
import { accept, illegal, isNonEmpty, withMode } from './agent-step.js';
import type { Step } from './agent-step.js';

type Ev<T extends AgentEvent['type']> = Extract<AgentEvent, { type: T }>;

export function logIn(agent: Agent, e: Ev<'log-in'>): Step {
  if (agent.mode !== 'logged-out') return illegal(agent, e, 'already-logged-in', 'log out first');
  return accept({ ...withMode(agent, 'ready'), noAnswerCount: 0 });
}

/**
 * Logging out withdraws pending offers (the router re-queues their calls) and ends wrap-ups; it is
 * refused while a call is in progress.
 */
export function logOut(agent: Agent, e: Ev<'log-out'>): Step {
  if (agent.mode === 'logged-out') return illegal(agent, e, 'not-logged-in', 'already logged out');
  const calls = agent.work.filter((w) => w.state === 'on-call');
  if (calls.length > 0) return illegal(agent, e, 'calls-in-progress', `${calls.length} call(s) in progress`);
  const effects: AgentEffect[] = [];
  for (const w of agent.work) {
    if (w.state === 'on-call') continue;
    effects.push({ type: 'cancel-timer', timerId: w.timerId });
    if (w.state === 'reserved')
      effects.push({ type: 'revoke-offer', offerId: w.offerId, reason: 'logged-out' });
  }
  return accept({ ...withMode(agent, 'logged-out'), work: [] }, effects);
}

export function setReady(agent: Agent, e: Ev<'set-ready'>): Step {
  if (agent.mode === 'logged-out') return illegal(agent, e, 'not-logged-in', 'log in first');
  if (agent.mode === 'ready') return illegal(agent, e, 'no-change', 'already ready');
  return accept({ ...withMode(agent, 'ready'), noAnswerCount: 0 });
}

export function setNotReady(agent: Agent, e: Ev<'set-not-ready'>): Step {
  if (!isNonEmpty(e.reason)) return illegal(agent, e, 'invalid-event', 'a not-ready reason is required');
  if (agent.mode === 'logged-out') return illegal(agent, e, 'not-logged-in', 'log in first');
  if (agent.mode === 'not-ready' && agent.notReadyReason === e.reason) {
    return illegal(agent, e, 'no-change', `already not-ready (${e.reason})`);
  }
  return accept(withMode(agent, 'not-ready', e.reason));
}

/**
 * The presence policy's verdict. Any unavailability blocks new offers (see availability); idleness
 * ("inactive") also pauses a ready agent, who must then set ready again (issue: RPID idle past a
 * threshold → not-ready "inactive").
 */
export function presenceChanged(agent: Agent, e: Ev<'presence-changed'>): Step {
  const presence =
    e.reason === undefined ? { available: e.available } : { available: e.available, reason: e.reason };
  if (agent.presence.available === presence.available && agent.presence.reason === presence.reason) {
    return illegal(agent, e, 'no-change', 'same presence');
  }
  const next = { ...agent, presence };
  const idle = !e.available && e.reason === 'inactive' && agent.mode === 'ready';
  return accept(idle ? withMode(next, 'not-ready', 'inactive') : next);
}

/** The registrar's count of bindings; zero makes the agent unavailable for voice. */
export function devicesChanged(agent: Agent, e: Ev<'devices-changed'>): Step {
  if (!Number.isSafeInteger(e.registered) || e.registered < 0) {
    return illegal(agent, e, 'invalid-event', 'registered must be a non-negative integer');
  }
  if (e.registered === agent.registeredDevices) return illegal(agent, e, 'no-change', 'same device count');
  return accept({ ...agent, registeredDevices: e.registered });
}
