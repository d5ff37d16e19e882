/**
 * TypeBox schema of a queue as an operator writes it (config item, REST body). No I/O here.
 *
 *   members          agents of the queue, each with a penalty (lower is tried first)
 *   requiredSkills   skills an agent must hold at a minimum level to be offered this queue's calls
 *   strategy         how the next agent is chosen among the eligible ones (policy/strategies.ts)
 *   hours            weekly opening hours in an IANA time zone, and holidays (model/opening-hours.ts)
 *   onClosed/onFull/onNoAgents/onMaxWait   reject with a status, or overflow to a queue or numbers
 *   overflow         after a wait with no agent, move the call elsewhere
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { ID_PATTERN, item, oneOf } from '../../../config/schema-helpers.js';
import { QueuePresenceSpec } from '../../../presence/queue-presence/config-schema.js';

export const STRATEGIES = [
  'longest-idle',
  'round-robin',
  'fewest-calls',
  'least-talk-time',
  'ring-all',
  'skills',
] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const Id = Type.String({ pattern: ID_PATTERN });
const ClockTime = Type.String({
  pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$',
  description: 'Local time HH:MM (24:00 = end of day)',
});

export const QueueMember = item({
  agentId: Id,
  penalty: Type.Integer({ minimum: 0, maximum: 100, default: 0, description: 'Lower is offered first' }),
});

export const SkillRequirement = item({
  skill: Id,
  minLevel: Type.Integer({ minimum: 0, maximum: 100, default: 0, description: 'Lowest acceptable level' }),
});

export const OpeningRange = item({
  days: Type.Array(oneOf(WEEKDAYS), { minItems: 1, uniqueItems: true }),
  open: ClockTime,
  close: Type.String({
    ...ClockTime,
    description: 'Local closing time; at or before `open` means the range runs past midnight',
  }),
});

export const OpeningHours = item({
  timeZone: Type.String({ minLength: 1, description: 'IANA time zone, e.g. Europe/Paris' }),
  weekly: Type.Array(OpeningRange, { maxItems: 50 }),
  holidays: Type.Array(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }), {
    default: [],
    maxItems: 1000,
    description: 'Local dates (YYYY-MM-DD) on which the queue is closed all day',
  }),
});

const OverflowTarget = Type.Union([
  item({ queue: Id }, { description: 'Another queue (the caller keeps their wait)' }),
  item(
    { numbers: Type.Array(Type.String({ pattern: '^\\+?[0-9*#]{2,32}$' }), { minItems: 1, maxItems: 20 }) },
    { description: 'Spare numbers, tried in order' },
  ),
]);

export const QueueAction = Type.Union([
  item({
    action: Type.Literal('reject'),
    status: Type.Integer({ minimum: 400, maximum: 699, description: 'SIP final response status' }),
    reason: Type.Optional(Type.String({ maxLength: 100 })),
  }),
  item({ action: Type.Literal('overflow'), target: OverflowTarget }),
]);

const reject = (status: number) => ({ action: 'reject' as const, status });

export const QueueSpec = item({
  id: Id,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  channel: oneOf(['voice', 'chat'] as const, { default: 'voice' }),
  strategy: oneOf(STRATEGIES, { default: 'longest-idle' }),
  members: Type.Array(QueueMember, { default: [], maxItems: 10000 }),
  requiredSkills: Type.Array(SkillRequirement, { default: [], maxItems: 50 }),
  maxSize: Type.Integer({ minimum: 0, default: 0, description: 'Waiting callers at most; 0 = unlimited' }),
  maxWaitSeconds: Type.Integer({ minimum: 0, default: 0, description: 'Longest wait; 0 = unlimited' }),
  ringTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 600, default: 20 }),
  wrapUpSeconds: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 3600, description: "Overrides the agent's wrap-up" }),
  ),
  hours: Type.Optional(OpeningHours),
  onClosed: Type.Optional(QueueAction),
  onFull: Type.Optional(QueueAction),
  onNoAgents: Type.Optional(QueueAction),
  onMaxWait: Type.Optional(QueueAction),
  overflow: Type.Optional(
    item(
      { afterSeconds: Type.Integer({ minimum: 0 }), target: OverflowTarget },
      {
        description: 'After this wait with no agent, the call goes to the target',
      },
    ),
  ),
  personalManagerSeconds: Type.Integer({
    minimum: 0,
    maximum: 600,
    default: 20,
    description: "How long a personal manager's phone rings first; 0 disables personal managers",
  }),
  presence: Type.Optional(QueuePresenceSpec),
});

export type QueueSpecData = Static<typeof QueueSpec>;
export type QueueActionData = Static<typeof QueueAction>;
export type OverflowTargetData = Static<typeof OverflowTarget>;
export type OpeningHoursData = Static<typeof OpeningHours>;
export type QueueMemberData = Static<typeof QueueMember>;
export type SkillRequirementData = Static<typeof SkillRequirement>;

/** Defaults when an outcome has no configured action (RFC 3261 §21.4.18 480, §21.5.4 503, §21.4.9 408). */
export const DEFAULT_ACTIONS = Object.freeze({
  closed: reject(480),
  full: reject(503),
  'no-agents': reject(480),
  'max-wait': reject(408),
});
