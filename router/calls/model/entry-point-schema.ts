/**
 * TypeBox schema of a configured entry point: a dialled number (E.164 or digits, as gateway
 * admission normalizes it) → a queue, or an agent called directly. No I/O here.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { ID_PATTERN, item } from '../../../config/schema-helpers.js';
import type { EntryPoint } from '../../model/entry-points.js';

const DialledNumber = Type.String({
  pattern: '^\\+?[0-9*#]{1,32}$',
  description: 'Dialled number: E.164 (+4930...) or digits (4000)',
});
const Id = Type.String({ pattern: ID_PATTERN });

export const EntryPointItem = Type.Union([
  item({ number: DialledNumber, queue: Id }, { description: 'Calls to `number` join the queue' }),
  item({ number: DialledNumber, agent: Id }, { description: "Calls to `number` ring the agent's devices" }),
]);

export type EntryPointItemData = Static<typeof EntryPointItem>;

/** The lookup table the INVITE handler reads (router/model/entry-points.ts). */
export function entryPointTable(items: readonly EntryPointItemData[]): Map<string, EntryPoint> {
  return new Map(
    items.map((e): [string, EntryPoint] =>
      'queue' in e
        ? [e.number, { kind: 'queue', queueId: e.queue }]
        : [e.number, { kind: 'agent', agentId: e.agent }],
    ),
  );
}
