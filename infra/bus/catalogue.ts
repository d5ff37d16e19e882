/**
 * The event catalogue: every event type the bus carries, with its TypeBox payload schema. Topics
 * are `<type>[.<suffix>]` (e.g. `agent.state.a17`). To add an event type, add ONE line to
 * `EVENTS` below; publishers import it from `EVENTS`, receivers look it up by name.
 *
 * Schemas allow unknown extra properties so nodes of different versions can share a bus.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { defineEvent } from './catalogue-define.js';
import { CALL_EVENTS } from './call-events.js';
import { GATEWAY_EVENTS } from './gateway-events.js';
import type { EventType, PayloadIssue } from './types.js';

export { defineEvent } from './catalogue-define.js';

/** Fields shared by device.registered and device.unregistered. */
const deviceFields = {
  agentId: Type.String(),
  aor: Type.String({ description: 'canonical sip:user@domain' }),
  contact: Type.String(),
  transport: Type.String(),
  source: Type.String({ description: 'host:port the device registered from' }),
  devices: Type.Integer({ minimum: 0, description: "the agent's bindings after this change" }),
};

export const EVENTS = {
  systemStarted: defineEvent(
    'system.started',
    Type.Object({ version: Type.String(), pid: Type.Integer({ minimum: 1 }) }),
  ),
  systemStopping: defineEvent('system.stopping', Type.Object({ reason: Type.String() })),
  configReloaded: defineEvent('config.reloaded', Type.Object({ changed: Type.Array(Type.String()) })),
  /** An agent was created, changed or deleted in the directory (topic suffix: the agent id). */
  agentDirectoryChanged: defineEvent(
    'directory.agent.changed',
    Type.Object({
      agentId: Type.String(),
      change: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('deleted')]),
      version: Type.Integer({ minimum: 0 }),
    }),
  ),
  /** A new registrar binding (a device registered; topic suffix: the agent id). */
  deviceRegistered: defineEvent(
    'device.registered',
    Type.Object({ ...deviceFields, expiresAt: Type.String({ description: 'ISO-8601' }) }),
  ),
  /** A binding ended: removed by the device (expires 0, Contact: *) or expired (topic suffix: agent id). */
  deviceUnregistered: defineEvent(
    'device.unregistered',
    Type.Object({
      ...deviceFields,
      reason: Type.Union([Type.Literal('unregistered'), Type.Literal('expired')]),
    }),
  ),
  /** An agent's state changed: one accepted transition (topic suffix: the agent id). */
  agentState: defineEvent(
    'agent.state',
    Type.Object({
      agentId: Type.String(),
      version: Type.Integer({ minimum: 1 }),
      from: Type.String(),
      to: Type.String(),
      mode: Type.String(),
      reason: Type.Optional(Type.String()),
      event: Type.String(),
      at: Type.String({ description: 'ISO-8601' }),
      availability: Type.Record(Type.String(), Type.String()),
    }),
  ),
  ...CALL_EVENTS,
  ...GATEWAY_EVENTS,
} as const;

export type EventName = keyof typeof EVENTS;
export type EventData<N extends EventName> = Static<(typeof EVENTS)[N]['schema']>;

interface Entry {
  event: EventType;
  check: TypeCheck<TSchema>;
}

function buildIndex(events: readonly EventType[]): Map<string, Entry> {
  const index = new Map<string, Entry>();
  for (const event of events) {
    if (index.has(event.type)) throw new Error(`event type '${event.type}' is defined twice`);
    index.set(event.type, { event, check: TypeCompiler.Compile(event.schema) });
  }
  return index;
}

const INDEX = buildIndex(Object.values(EVENTS));

/** The catalogue entry named `type`, if this build knows it. */
export function lookupEvent(type: string): EventType | undefined {
  return INDEX.get(type)?.event;
}

/** True if `event` is the catalogue's own entry (not a look-alike defined elsewhere). */
export function isCatalogued(event: EventType): boolean {
  return INDEX.get(event.type)?.event === event;
}

/** Every schema violation of `data` against catalogued `type` (empty = valid). */
export function payloadIssues(type: string, data: unknown): PayloadIssue[] {
  const entry = INDEX.get(type);
  if (!entry) return [{ path: '/', message: `unknown event type '${type}'` }];
  if (entry.check.Check(data)) return [];
  return [...entry.check.Errors(data)].map((e) => ({ path: e.path || '/', message: e.message }));
}
