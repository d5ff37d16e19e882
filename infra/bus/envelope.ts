/**
 * Envelopes on the wire (JSON text) for both buses: built and validated on publish, parsed and
 * validated again on receipt (a bus is a trust boundary in a cluster). Receipt failures are values,
 * not exceptions: the bus logs and drops them.
 */
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Clock } from '../../sip-engine/util/clock.js';
import { isCatalogued, payloadIssues } from './catalogue.js';
import { assertTopic } from './subject.js';
import { BusError, type BusEnvelope, type EventType, type PayloadIssue } from './types.js';

const EnvelopeShape = TypeCompiler.Compile(
  Type.Object({
    id: Type.String({ minLength: 1 }),
    topic: Type.String({ minLength: 1 }),
    type: Type.String({ minLength: 1 }),
    at: Type.String({ minLength: 1 }),
    source: Type.String(),
    data: Type.Unknown(),
  }),
);

export interface Encoded {
  topic: string;
  text: string;
}

function describe(issues: readonly PayloadIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

/** Validates and serialises one publication; throws BusError on a bad type, topic or payload. */
export function encodeEnvelope(
  event: EventType,
  data: unknown,
  suffix: string | undefined,
  source: string,
  clock: Clock,
): Encoded {
  if (!isCatalogued(event))
    throw new BusError('unknown-type', `'${event.type}' is not in the event catalogue`);
  const topic = suffix === undefined ? event.type : `${event.type}.${suffix}`;
  assertTopic(topic);
  const issues = payloadIssues(event.type, data);
  if (issues.length > 0) {
    throw new BusError('invalid-payload', `invalid ${event.type} payload: ${describe(issues)}`, { issues });
  }
  const envelope: BusEnvelope = {
    id: randomUUID(),
    topic,
    type: event.type,
    at: clock.wallNow().toISOString(),
    source,
    data,
  };
  return { topic, text: JSON.stringify(envelope) };
}

export type Decoded =
  { ok: true; envelope: BusEnvelope } | { ok: false; reason: string; issues: PayloadIssue[] };

function reject(reason: string, issues: PayloadIssue[] = []): Decoded {
  return { ok: false, reason, issues };
}

/** Parses and validates what arrived on `topic`. */
export function decodeEnvelope(topic: string, text: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return reject('not JSON');
  }
  if (!EnvelopeShape.Check(value)) {
    return reject(
      'not an envelope',
      [...EnvelopeShape.Errors(value)].map((e) => ({ path: e.path, message: e.message })),
    );
  }
  if (value.topic !== topic) return reject(`envelope topic '${value.topic}' differs from the subject`);
  if (topic !== value.type && !topic.startsWith(`${value.type}.`)) {
    return reject(`topic '${topic}' does not belong to type '${value.type}'`);
  }
  const issues = payloadIssues(value.type, value.data);
  if (issues.length > 0) return reject(`invalid ${value.type} payload: ${describe(issues)}`, issues);
  return { ok: true, envelope: value };
}
