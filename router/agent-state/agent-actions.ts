/**
 * Desktop/API actions mapped to state-machine events. Pure: the event is built from the agent's
 * current state inside its serial queue, so "extend my wrap-up" finds the wrap-up that is current.
 */
import type { Agent, AgentEvent } from '../model/agent.js';

export const AGENT_ACTIONS = ['ready', 'not-ready', 'logout', 'login', 'extend-wrap-up'] as const;
export type AgentAction = (typeof AGENT_ACTIONS)[number];

export interface AgentActionRequest {
  readonly action: AgentAction;
  readonly reason?: string;
  readonly extendMs?: number;
}

export const DEFAULT_NOT_READY_REASON = 'not-ready';
export const DEFAULT_EXTEND_MS = 30_000;

export function actionEvent(req: AgentActionRequest, agent: Agent): AgentEvent {
  switch (req.action) {
    case 'ready':
      return { type: 'set-ready' };
    case 'not-ready':
      return { type: 'set-not-ready', reason: req.reason ?? DEFAULT_NOT_READY_REASON };
    case 'login':
      return { type: 'log-in' };
    case 'logout':
      return { type: 'log-out' };
    case 'extend-wrap-up': {
      // The oldest wrap-up; with none, the machine refuses the empty call id ('not-in-wrap-up').
      const wrap = agent.work.find((w) => w.state === 'wrap-up');
      const callId = wrap?.state === 'wrap-up' ? wrap.callId : '';
      return { type: 'wrap-up-extend', callId, extendMs: req.extendMs ?? DEFAULT_EXTEND_MS };
    }
  }
}
