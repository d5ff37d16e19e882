/** TypeBox schemas of the queue and call-history routes (validation, typing and OpenAPI). */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { CALL_OUTCOMES, OFFER_OUTCOMES } from '../../../infra/bus/call-events.js';
import { ID_PATTERN } from '../../../config/schema-helpers.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String({ description: 'ISO-8601' });
const literals = (xs: readonly string[]) => Type.Union(xs.map((x) => Type.Literal(x)));

export const ISO_TIME_PATTERN =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$';

export const QueueLive = Type.Object({
  open: Type.Boolean(),
  accepting: Type.Boolean(),
  depth: Type.Integer({ description: 'callers waiting' }),
  longestWaitMs: Type.Integer(),
  availableAgents: Type.Integer(),
  loggedInAgents: Type.Integer(),
  nextOpenAt: Type.Optional(Time),
  at: Type.String({ description: 'when this state was published' }),
});

export const QueueToday = Type.Object({
  since: Type.String({ description: 'start of today in records.timeZone' }),
  offered: Type.Integer({ description: 'calls that joined the queue' }),
  answered: Type.Integer(),
  abandoned: Type.Integer(),
  asaMs: Nullable(Type.Integer({ description: 'average speed of answer' })),
  serviceLevel: Type.Object({
    thresholdSeconds: Type.Integer(),
    answeredWithin: Type.Integer(),
    ratio: Nullable(Type.Number({ description: 'answered within / (answered + abandoned)' })),
  }),
});

export const QueueView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  live: Nullable(QueueLive),
  today: QueueToday,
});
export const QueueList = Type.Object({ queues: Type.Array(QueueView) });
export const QueueIdParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN }) });

export const CallView = Type.Object({
  id: Type.String(),
  phase: literals(['arrived', 'queued', 'connected', 'ended'] as const),
  startedAt: Time,
  sipCallId: Nullable(Type.String()),
  arrivedAt: Nullable(Time),
  gatewayId: Nullable(Type.String()),
  caller: Nullable(Type.String()),
  callerRestricted: Nullable(Type.Boolean()),
  dialled: Nullable(Type.String()),
  entry: Nullable(Type.Object({ kind: Type.String(), id: Type.String() })),
  queueId: Nullable(Type.String()),
  priority: Nullable(Type.Integer()),
  queuedAt: Nullable(Time),
  waitMs: Nullable(Type.Integer()),
  agentId: Nullable(Type.String({ description: 'the answering agent' })),
  overflowTarget: Nullable(Type.String()),
  overflowedAt: Nullable(Time),
  answeredAt: Nullable(Time),
  endedAt: Nullable(Time),
  talkMs: Nullable(Type.Integer()),
  outcome: Nullable(literals(CALL_OUTCOMES)),
  sipStatus: Nullable(Type.Integer({ description: 'SIP status sent to the caller when refused' })),
  hungUpBy: Nullable(literals(['caller', 'agent', 'system'] as const)),
});

export const OfferView = Type.Object({
  offerId: Type.String(),
  agentId: Type.String(),
  phase: literals(['ringing', 'ended'] as const),
  queueId: Nullable(Type.String()),
  personalManager: Nullable(Type.Boolean()),
  devices: Nullable(Type.Integer()),
  offeredAt: Nullable(Time),
  endedAt: Nullable(Time),
  ringMs: Nullable(Type.Integer()),
  outcome: Nullable(literals(OFFER_OUTCOMES)),
  sipStatus: Nullable(Type.Integer()),
});

export const CallDetail = Type.Composite([CallView, Type.Object({ offers: Type.Array(OfferView) })]);
export const CallList = Type.Object({
  calls: Type.Array(CallView),
  nextCursor: Type.Optional(Type.String({ description: 'pass as `cursor` for the next page' })),
});
export const CallIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

export const MAX_PAGE = 500;
const TimeQuery = (description: string) => Type.String({ pattern: ISO_TIME_PATTERN, description });
const IdQuery = Type.String({ pattern: ID_PATTERN });

export const CallsQuery = Type.Object(
  {
    from: Type.Optional(TimeQuery('calls started at or after (ISO-8601)')),
    to: Type.Optional(TimeQuery('calls started before (ISO-8601)')),
    queue: Type.Optional(IdQuery),
    agent: Type.Optional(IdQuery),
    outcome: Type.Optional(literals(CALL_OUTCOMES)),
    caller: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'exact number' })),
    gateway: Type.Optional(IdQuery),
    limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 50 }),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 400 })),
  },
  { additionalProperties: false },
);

export type QueueViewData = Static<typeof QueueView>;
export type QueueLiveData = Static<typeof QueueLive>;
export type CallViewData = Static<typeof CallView>;
export type OfferViewData = Static<typeof OfferView>;
export type CallsQueryData = Static<typeof CallsQuery>;
