/**
 * THE configuration schema of patchbay (one TypeBox schema for the whole system). Every object
 * rejects unknown keys; every key that has a sensible value has a `default`, applied by the loader
 * before validation. `node.id` defaults to the host name (filled by the loader, not statically).
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { HOST_PORT_PATTERN, ID_PATTERN, item, NamedItem, oneOf, Port, section } from './schema-helpers.js';
import { SipSection } from './schema-sip.js';
import { QueuePresenceSection } from '../presence/queue-presence/config-schema.js';
import { AgentConfigItem } from '../router/agents/model/agent-schema.js';
import { QueueSpec } from '../router/queues/model/queue-schema.js';
import { EntryPointItem } from '../router/calls/model/entry-point-schema.js';
import { GatewaySpec } from '../gateways/model/gateway-schema.js';
import { RecordsSection } from '../router/records/model/records-config.js';

export const ROLES = ['admin', 'supervisor', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const NodeSection = section({
  id: Type.String({ pattern: ID_PATTERN, description: 'This instance in logs, events and the cluster' }),
});

const DatabaseSection = section({
  url: Type.Optional(
    Type.String({
      pattern: '^postgres(ql)?://',
      description: 'PostgreSQL URL (postgres://user:pass@host:5432/db); absent = embedded PGlite',
    }),
  ),
  path: Type.String({
    minLength: 1,
    default: './data/pglite',
    description: 'PGlite data directory (no url)',
  }),
  schema: Type.String({
    pattern: '^[a-z_][a-z0-9_]{0,62}$',
    default: 'public',
    description: 'Postgres schema holding the tables (created if missing), first on the search_path',
  }),
});

const NATS_URL = '(nats|tls|ws|wss)://[^,\\s]+';
const BusSection = section({
  url: Type.Optional(
    Type.String({
      pattern: `^${NATS_URL}(,${NATS_URL})*$`,
      description: 'NATS server URL(s), comma-separated; absent = in-process bus',
    }),
  ),
});

const PresenceSection = section({
  mode: oneOf(['embedded', 'external'] as const, {
    default: 'embedded',
    description: 'embedded presence server/registrar, or an external one (Kamailio, OpenSIPS)',
  }),
  server: Type.Optional(
    Type.String({ pattern: '^sips?:\\S+$', description: 'External presence server URI (mode external)' }),
  ),
  domain: Type.String({
    minLength: 1,
    default: 'localhost',
    description: 'Presence domain (sales@<domain>)',
  }),
  subscribeExpiresS: Type.Integer({
    minimum: 5,
    maximum: 86400,
    default: 3600,
    description:
      'External mode: Expires of the SUBSCRIBEs to agents presence (RFC 3856 §6.4); refreshed at 80-90%, which is also how fast a presence-server crash is noticed',
  }),
  digestAlgorithms: Type.Array(Type.Union([Type.Literal('SHA-256'), Type.Literal('MD5')]), {
    minItems: 1,
    uniqueItems: true,
    default: ['SHA-256', 'MD5'],
    description:
      'Digest algorithms the registrar offers, most preferred first (RFC 8760); [MD5] for phones that fail on SHA-256',
  }),
  queuePresence: QueuePresenceSection,
});

const RtpengineSection = section({
  servers: Type.Array(
    Type.String({ pattern: HOST_PORT_PATTERN, description: 'rtpengine ng address host:port' }),
    {
      default: [],
      description: 'rtpengine ng control addresses; empty = no media anchoring',
    },
  ),
  mediaDir: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Folder of the hold music and prompts as rtpengine sees it (default: router/calls/media here)',
    }),
  ),
  announceIntervalSeconds: Type.Integer({
    minimum: 0,
    default: 30,
    description: 'Seconds between position / expected-wait announcements to queued callers; 0 = none',
  }),
});

const ApiToken = item({
  token: Type.String({ minLength: 16, pattern: '^\\S+$', description: 'Bearer token (>= 16 characters)' }),
  role: oneOf(ROLES, { description: 'admin > supervisor > agent' }),
  agentId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'The agent this token acts as' })),
});

const HttpSection = section({
  host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Listen address of the HTTP API' }),
  port: Port(8080, 'Listen port of the HTTP API'),
  bodyLimitBytes: Type.Integer({ minimum: 1024, default: 1048576, description: 'Largest request body' }),
  tokens: Type.Array(ApiToken, { default: [], description: 'API bearer tokens and their roles' }),
});

const LogSection = section({
  level: oneOf(LOG_LEVELS, { default: 'info', description: 'pino log level' }),
});

// RFC 4028 §4: no session interval below 90 s. Design §6: session timers and reconciliation reap ghost calls.
const CallsSection = section({
  sessionExpiresS: Type.Integer({
    minimum: 90,
    maximum: 86400,
    default: 1800,
    description:
      'Session-Expires on both legs of every connected call (RFC 4028): a leg whose peer vanished ends within it',
  }),
  reconcileIntervalS: Type.Integer({
    minimum: 0,
    default: 30,
    description:
      'Seconds between sweeps ending calls whose dialog ended unreported and agents on calls that are gone; 0 = none',
  }),
});

const list = (description: string) => Type.Array(NamedItem, { default: [], description });

export const ConfigSchema = Type.Object(
  {
    node: NodeSection,
    sip: SipSection,
    database: DatabaseSection,
    bus: BusSection,
    presence: PresenceSection,
    rtpengine: RtpengineSection,
    http: HttpSection,
    log: LogSection,
    records: RecordsSection,
    calls: CallsSection,
    gateways: Type.Array(GatewaySpec, {
      default: [],
      description: 'Trunks calls arrive on and leave through (gateways/model/gateway-schema.ts)',
    }),
    queues: Type.Array(QueueSpec, {
      default: [],
      description: 'Call queues (router/queues/model/queue-schema.ts)',
    }),
    entryPoints: Type.Array(EntryPointItem, {
      default: [],
      description: 'Dialled number → queue or agent (router/calls/model/entry-point-schema.ts)',
    }),
    agents: Type.Array(AgentConfigItem, {
      default: [],
      description: 'Agents (router/agents/model/agent-schema.ts)',
    }),
    people: list('People with call instructions'),
    campaigns: list('Dialer campaigns'),
  },
  { additionalProperties: false },
);

/** Recursively read-only view of a value. */
export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** What the schema accepts once defaults are applied (mutable; used while loading). */
export type ConfigData = Static<typeof ConfigSchema>;
/** The validated configuration, deep-frozen by the loader. */
export type PatchbayConfig = DeepReadonly<ConfigData>;
export type ApiTokenConfig = PatchbayConfig['http']['tokens'][number];
