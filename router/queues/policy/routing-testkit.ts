/** Builders shared by the routing policy's tests: queues, entries and agents in known states. */
import { Value } from '@sinclair/typebox/value';
import { newAgent, transition } from '../../model/agent.js';
import type { Agent, AgentEvent } from '../../model/agent-types.js';
import { newEntry, transitionEntry } from '../model/queue-entry.js';
import type { QueueEntry } from '../model/queue-entry.js';
import { QueueSpec } from '../model/queue-schema.js';
import type { QueueSpecData } from '../model/queue-schema.js';
import type { RoutingAgent } from './routing-types.js';

/** A queue spec with schema defaults applied, checked against the schema. */
export function queue(fields: Record<string, unknown>): QueueSpecData {
  const spec = Value.Default(QueueSpec, structuredClone({ name: 'Q', ...fields }));
  if (!Value.Check(QueueSpec, spec)) {
    const first = [...Value.Errors(QueueSpec, spec)][0];
    throw new Error(`bad test queue: ${first?.path ?? ''} ${first?.message ?? ''}`);
  }
  return spec;
}

export function members(...ids: string[]): { agentId: string; penalty: number }[] {
  return ids.map((agentId) => ({ agentId, penalty: 0 }));
}

function apply(agent: Agent, events: AgentEvent[]): Agent {
  return events.reduce((a, e) => {
    const r = transition(a, e, 0);
    if (!r.ok) throw new Error(r.message);
    return r.agent;
  }, agent);
}

export type AgentShape = 'ready' | 'logged-out' | 'not-ready' | 'reserved' | 'on-call' | 'no-device';

export interface AgentOptions {
  readonly shape?: AgentShape;
  readonly skills?: Record<string, number>;
  readonly customers?: string[];
  readonly idleSinceMs?: number;
  readonly callsAnswered?: number;
  readonly talkTimeMs?: number;
}

const SHAPES: Readonly<Record<AgentShape, AgentEvent[]>> = {
  'logged-out': [],
  'no-device': [{ type: 'log-in' }],
  ready: [{ type: 'log-in' }, { type: 'devices-changed', registered: 1 }],
  'not-ready': [
    { type: 'log-in' },
    { type: 'devices-changed', registered: 1 },
    { type: 'set-not-ready', reason: 'break' },
  ],
  reserved: [
    { type: 'log-in' },
    { type: 'devices-changed', registered: 1 },
    { type: 'offer', offerId: 'elsewhere', channel: 'chat', timeoutMs: 10_000 },
  ],
  'on-call': [
    { type: 'log-in' },
    { type: 'devices-changed', registered: 1 },
    { type: 'call-started', callId: 'c-busy', channel: 'voice' },
  ],
};

export function agent(id: string, o: AgentOptions = {}): RoutingAgent {
  return {
    agent: apply(newAgent(id), SHAPES[o.shape ?? 'ready']),
    skills: new Map(Object.entries(o.skills ?? {})),
    personalCustomers: new Set(o.customers ?? []),
    idleSinceMs: o.idleSinceMs ?? 0,
    callsAnswered: o.callsAnswered ?? 0,
    talkTimeMs: o.talkTimeMs ?? 0,
  };
}

export function entry(
  id: string,
  queueId: string,
  enteredMs: number,
  o: { priority?: number; caller?: string; tried?: string[] } = {},
): QueueEntry {
  const e = newEntry(id, queueId, o.caller ?? '+15550000', enteredMs, o.priority ?? 0);
  return { ...e, tried: o.tried ?? [] };
}

/** An entry currently ringing `agentIds`. */
export function offering(id: string, queueId: string, enteredMs: number, agentIds: string[]): QueueEntry {
  const r = transitionEntry(
    entry(id, queueId, enteredMs),
    { type: 'offer', offerId: `o-${id}`, agentIds, ringTimeoutMs: 1000 },
    enteredMs,
  );
  if (!r.ok) throw new Error(r.message);
  return r.entry;
}
