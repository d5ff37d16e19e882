/**
 * The coordinator's view of the agents it routes to: the latest state from the single writer
 * (router/agent-state), the directory facts, and the counters strategies use (idle since, calls
 * answered, talk time). Refreshed from every submit result and every `agent.state.<id>` event.
 */
import { agentStatus, channelAvailability } from '../model/agent-availability.js';
import type { Agent } from '../model/agent-types.js';
import type { RoutingAgent } from '../queues/policy/routing-types.js';
import type { AgentFacts, AgentPort } from './call-ports.js';

interface Row {
  agent: Agent;
  idleSinceMs: number;
  callsAnswered: number;
  talkTimeMs: number;
}

const NO_FACTS: AgentFacts = { skills: new Map(), personalCustomers: new Set() };

export class AgentBook {
  readonly #rows = new Map<string, Row>();
  readonly #port: AgentPort;
  readonly #facts: (agentId: string) => AgentFacts | undefined;

  constructor(port: AgentPort, facts: (agentId: string) => AgentFacts | undefined) {
    this.#port = port;
    this.#facts = facts;
  }

  /** Records the agent's state; `nowMs` marks when a free agent became idle. */
  update(agent: Agent, nowMs: number): void {
    const row = this.#rows.get(agent.id);
    if (row && agent.version < row.agent.version) return; // an older view arrived late
    const wasFree = row !== undefined && isFree(row.agent);
    const next: Row = row ?? { agent, idleSinceMs: nowMs, callsAnswered: 0, talkTimeMs: 0 };
    next.agent = agent;
    if (isFree(agent) && !wasFree) next.idleSinceMs = nowMs;
    this.#rows.set(agent.id, next);
  }

  /** Reads the agent from the single writer; false for an unknown agent. */
  async refresh(agentId: string, nowMs: number): Promise<boolean> {
    const agent = await this.#port.snapshot(agentId);
    if (agent) this.update(agent, nowMs);
    return agent !== undefined;
  }

  answered(agentId: string): void {
    const row = this.#rows.get(agentId);
    if (row) row.callsAnswered += 1;
  }

  talked(agentId: string, ms: number): void {
    const row = this.#rows.get(agentId);
    if (row) row.talkTimeMs += ms;
  }

  get(agentId: string): Agent | undefined {
    return this.#rows.get(agentId)?.agent;
  }

  routingAgents(): RoutingAgent[] {
    return [...this.#rows.values()].map((r) => {
      const facts = this.#facts(r.agent.id) ?? NO_FACTS;
      return {
        agent: r.agent,
        skills: facts.skills,
        personalCustomers: facts.personalCustomers,
        idleSinceMs: r.idleSinceMs,
        callsAnswered: r.callsAnswered,
        talkTimeMs: r.talkTimeMs,
      };
    });
  }
}

function isFree(agent: Agent): boolean {
  return agentStatus(agent) === 'ready' && channelAvailability(agent, 'voice') === 'available';
}
