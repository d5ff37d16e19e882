/**
 * TypeBox schemas of the agent directory, shared by the config file (`agents:` items), the REST
 * bodies and responses, and the OpenAPI document. No I/O here.
 *
 *   AgentSpec        what an operator writes (config item, POST/PUT body); may carry a password
 *   AgentPatch       PATCH body: any subset of the spec's fields; null clears optional ones
 *   AgentView        what the API returns: the spec without the password, plus bookkeeping
 *
 * The password is write-only: the directory stores HA1 per digest algorithm (RFC 7616 §3.4.2) and
 * never returns either.
 */
import { Type } from '@sinclair/typebox';
import type { Static, TObject, TProperties, TSchema } from '@sinclair/typebox';
import { ID_PATTERN } from '../../../config/schema-helpers.js';

const strict = <P extends TProperties>(properties: P, description?: string): TObject<P> =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });

/** A sip:/sips: URI with a user part (canonicalised by the directory). */
const AorUri = Type.String({
  pattern: '^sips?:[^\\s@<>"]+@[^\\s<>"]+$',
  maxLength: 256,
  description: 'Address-of-record, e.g. sip:alice@cc.example.com',
});

/** RFC 7616 §3.4: the username goes into A1 as-is, so it may not hold ':' or quotes. */
const DigestUsername = Type.String({
  pattern: '^[^\\s:"\\\\]{1,128}$',
  description: 'Digest username (no spaces, colons or quotes)',
});

const Password = Type.String({
  minLength: 8,
  maxLength: 256,
  description: 'Digest password (write-only: HA1 for MD5 and SHA-256 is stored, never returned)',
});

const Skill = strict({
  skill: Type.String({ pattern: ID_PATTERN, description: 'Skill name' }),
  level: Type.Integer({ minimum: 0, maximum: 100, description: 'Proficiency 0-100' }),
});

const Channels = Type.Object(
  {
    voice: Type.Integer({ minimum: 0, maximum: 1, default: 1, description: 'Simultaneous calls (0 or 1)' }),
    chat: Type.Integer({ minimum: 0, maximum: 100, default: 3, description: 'Simultaneous chats' }),
  },
  { additionalProperties: false, default: {}, description: 'Capacity per channel; 0 disables it' },
);

/** Caller numbers: E.164 with +, or national digits. */
const CallerNumber = Type.String({
  pattern: '^\\+?[0-9]{2,20}$',
  description: 'Caller number (digits, optional +)',
});

const PresenceUri = Type.String({
  pattern: '^(sips?|pres):\\S+$',
  maxLength: 256,
  description: 'Where the agent’s presence is watched (SUBSCRIBE target)',
});

const commonFields = {
  name: Type.String({ minLength: 1, maxLength: 200, description: 'Human-readable name' }),
  aors: Type.Array(AorUri, {
    default: [],
    maxItems: 20,
    description: 'SIP addresses-of-record the agent registers',
  }),
  presenceUri: Type.Optional(PresenceUri),
  skills: Type.Array(Skill, { default: [], maxItems: 100, description: 'Skills with levels 0-100' }),
  teams: Type.Array(Type.String({ pattern: ID_PATTERN }), { default: [], maxItems: 50, uniqueItems: true }),
  channels: Channels,
  personalCustomers: Type.Array(CallerNumber, {
    default: [],
    maxItems: 10000,
    uniqueItems: true,
    description: 'Caller numbers this agent personally manages',
  }),
  wrapUpSeconds: Type.Integer({
    minimum: 0,
    maximum: 3600,
    default: 30,
    description: 'Wrap-up after each call',
  }),
  maxConsecutiveNoAnswers: Type.Integer({
    minimum: 0,
    maximum: 100,
    default: 3,
    description: 'Unanswered offers in a row before the agent is paused; 0 never pauses',
  }),
};

/** Digest credentials as written: the password is required in config, optional on update. */
export const AgentAuthInput = strict(
  { username: DigestUsername, password: Type.Optional(Password) },
  'Digest credentials for REGISTER',
);

export const AgentSpec = strict({
  id: Type.String({ pattern: ID_PATTERN, description: 'Stable identifier (letters, digits, . _ -)' }),
  ...commonFields,
  auth: Type.Optional(AgentAuthInput),
});

/** The config file's agent item: credentials, when given, must carry the password. */
export const AgentConfigItem = strict({
  id: AgentSpec.properties.id,
  ...commonFields,
  auth: Type.Optional(
    strict({ username: DigestUsername, password: Password }, 'Digest credentials for REGISTER'),
  ),
});

/** PUT body: the whole agent except its id (taken from the path). */
export const AgentReplace = strict({ ...commonFields, auth: Type.Optional(AgentAuthInput) });

const nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** PATCH body: fields present replace the stored ones; null removes presenceUri or credentials. */
export const AgentPatch = strict({
  name: Type.Optional(commonFields.name),
  aors: Type.Optional(Type.Array(AorUri, { maxItems: 20 })),
  presenceUri: Type.Optional(nullable(PresenceUri)),
  skills: Type.Optional(Type.Array(Skill, { maxItems: 100 })),
  teams: Type.Optional(Type.Array(Type.String({ pattern: ID_PATTERN }), { maxItems: 50, uniqueItems: true })),
  channels: Type.Optional(
    strict({
      voice: Type.Optional(Type.Integer({ minimum: 0, maximum: 1 })),
      chat: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    }),
  ),
  personalCustomers: Type.Optional(Type.Array(CallerNumber, { maxItems: 10000, uniqueItems: true })),
  wrapUpSeconds: Type.Optional(commonFields.wrapUpSeconds),
  maxConsecutiveNoAnswers: Type.Optional(commonFields.maxConsecutiveNoAnswers),
  auth: Type.Optional(nullable(AgentAuthInput)),
});

export const AgentView = strict(
  {
    id: Type.String(),
    name: Type.String(),
    aors: Type.Array(Type.String(), { description: 'Canonical AORs (sip:user@domain)' }),
    presenceUri: Type.Optional(Type.String()),
    skills: Type.Array(Skill),
    teams: Type.Array(Type.String()),
    channels: strict({ voice: Type.Integer(), chat: Type.Integer() }),
    personalCustomers: Type.Array(Type.String()),
    wrapUpSeconds: Type.Integer(),
    maxConsecutiveNoAnswers: Type.Integer(),
    auth: Type.Optional(
      strict(
        { username: Type.String(), realm: Type.String(), algorithms: Type.Array(Type.String()) },
        'Digest credentials are set (HA1 stored; never returned)',
      ),
    ),
    source: Type.Union([Type.Literal('config'), Type.Literal('api')], {
      description: 'config: re-applied from the config file at every start',
    }),
    version: Type.Integer({ description: '+1 on every change' }),
    createdAt: Type.String({ description: 'ISO-8601' }),
    updatedAt: Type.String({ description: 'ISO-8601' }),
  },
  'An agent of the directory',
);

export const AgentList = Type.Object({ agents: Type.Array(AgentView) });
export const AgentIdParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN }) });

/** POST /api/v1/agents/:id/customers: make a caller number a personal customer of the agent. */
export const AgentCustomerBody = Type.Object({ number: CallerNumber }, { additionalProperties: false });
export type AgentCustomerInput = Static<typeof AgentCustomerBody>;

/** Read-only all the way down: the frozen config and request bodies are both accepted. */
export type Frozen<T> = T extends readonly (infer U)[]
  ? readonly Frozen<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Frozen<T[K]> }
    : T;

export type AgentSpecInput = Frozen<Static<typeof AgentSpec>>;
export type AgentConfigInput = Frozen<Static<typeof AgentConfigItem>>;
export type AgentReplaceInput = Frozen<Static<typeof AgentReplace>>;
export type AgentPatchInput = Frozen<Static<typeof AgentPatch>>;
export type AgentViewData = Static<typeof AgentView>;
export type AgentListData = Static<typeof AgentList>;
