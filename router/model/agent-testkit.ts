/** Helpers shared by the agent state machine's unit tests. */
import { newAgent, transition } from './agent.js';
import type { Agent, AgentConfig, AgentEffect, AgentEvent, IllegalTransition } from './agent.js';

export const config: AgentConfig = {
  capacity: { voice: 1, chat: 2 },
  wrapUpMs: 10_000,
  maxWrapUpMs: 30_000,
  maxConsecutiveNoAnswers: 3,
};

/** Applies an event that must be accepted. */
export function ok(
  agent: Agent,
  event: AgentEvent,
  now = 0,
): { agent: Agent; effects: readonly AgentEffect[] } {
  const r = transition(agent, event, now);
  if (!r.ok) throw new Error(r.message);
  return r;
}

/** Applies an event that must be refused. */
export function refused(agent: Agent, event: AgentEvent, now = 0): IllegalTransition {
  const r = transition(agent, event, now);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(event)}`);
  return r;
}

export function run(agent: Agent, events: AgentEvent[], now = 0): Agent {
  return events.reduce((a, e) => ok(a, e, now).agent, agent);
}

/** Effects without the final emit, for compact assertions. */
export function work(effects: readonly AgentEffect[]): AgentEffect[] {
  return effects.filter((e) => e.type !== 'emit');
}

/** Logged in, ready, one phone registered. */
export function readyAgent(c: AgentConfig = config): Agent {
  return run(newAgent('a1', c), [{ type: 'log-in' }, { type: 'devices-changed', registered: 1 }]);
}
