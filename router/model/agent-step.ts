/**
 * What the agent handlers share: the result of one handler (a new agent and its effects, or a
 * refusal) and small immutable helpers over work items and timers.
 */
import { agentStatus } from './agent-availability.js';
import type {
  Agent,
  AgentEffect,
  AgentEvent,
  IllegalTransition,
  IllegalTransitionCode,
  WorkItem,
} from './agent-types.js';

/** A handler's outcome before the version bump and the transition record are added. */
export type Step =
  { readonly ok: true; readonly agent: Agent; readonly effects: AgentEffect[] } | IllegalTransition;

export function accept(agent: Agent, effects: AgentEffect[] = []): Step {
  return { ok: true, agent, effects };
}

export function illegal(
  agent: Agent,
  event: AgentEvent,
  code: IllegalTransitionCode,
  detail: string,
): IllegalTransition {
  const status = agentStatus(agent);
  return {
    ok: false,
    code,
    agentId: agent.id,
    status,
    event: event.type,
    message: `agent ${agent.id}: '${event.type}' refused in ${status} (${code}): ${detail}`,
  };
}

/** A fresh timer id, unique for this agent's lifetime. */
export function allocTimer(agent: Agent): [string, Agent] {
  return [`${agent.id}#t${agent.nextTimerSeq}`, { ...agent, nextTimerSeq: agent.nextTimerSeq + 1 }];
}

export function replaceItem(agent: Agent, old: WorkItem, next: WorkItem | undefined): Agent {
  const work =
    next === undefined ? agent.work.filter((w) => w !== old) : agent.work.map((w) => (w === old ? next : w));
  return { ...agent, work };
}

/** Drops the not-ready reason (exactOptionalPropertyTypes: absent, not undefined). */
export function withMode(agent: Agent, mode: Agent['mode'], reason?: string): Agent {
  const { notReadyReason: _dropped, ...rest } = agent;
  return reason === undefined ? { ...rest, mode } : { ...rest, mode, notReadyReason: reason };
}

/** Counts a no-answer; the n-th consecutive one pauses a ready agent with reason "no-answer". */
export function countNoAnswer(agent: Agent): Agent {
  const noAnswerCount = agent.noAnswerCount + 1;
  const max = agent.config.maxConsecutiveNoAnswers;
  const counted = { ...agent, noAnswerCount };
  return max > 0 && noAnswerCount >= max && agent.mode === 'ready'
    ? withMode(counted, 'not-ready', 'no-answer')
    : counted;
}

export function isNonEmpty(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0;
}
