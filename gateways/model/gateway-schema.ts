/**
 * TypeBox schema of a gateway (trunk), shared by the config file (`gateways:` items), the REST bodies
 * and the OpenAPI document. Defaults are filled by the loader (`Value.Default`) before validation;
 * rules a schema cannot express (CIDRs, duplicates, relations) are in gateway-issues.ts.
 */
import { Type } from '@sinclair/typebox';
import type { Static, TLiteral, TObject, TProperties, TUnion } from '@sinclair/typebox';
import { ID_PATTERN } from '../../config/schema-helpers.js';

export const GATEWAY_KINDS = ['pstn', 'ip-pbx', 'mobile'] as const;
export type GatewayKind = (typeof GATEWAY_KINDS)[number];

export const GATEWAY_TRANSPORTS = ['udp', 'tcp', 'tls', 'ws', 'wss'] as const;
export type GatewayTransport = (typeof GATEWAY_TRANSPORTS)[number];

/** Headers that may carry the caller, in the order an operator trusts them. */
export const CALLER_SOURCES = ['pai', 'rpid', 'from'] as const;
export type CallerSource = (typeof CALLER_SOURCES)[number];

/** Where the dialled number may be read from, in the order an operator trusts them. */
export const DIALLED_SOURCES = ['request-uri', 'to', 'diversion', 'history-info'] as const;
export type DialledSource = (typeof DIALLED_SOURCES)[number];

const strict = <P extends TProperties>(properties: P, description: string, withDefault = false): TObject<P> =>
  Type.Object(properties, {
    additionalProperties: false,
    description,
    ...(withDefault ? { default: {} } : {}),
  });

const literals = <const V extends readonly string[]>(values: V): TUnion<TLiteral<V[number]>[]> =>
  Type.Union(values.map((v: V[number]) => Type.Literal(v)));

const Digits = (max: number, description: string) =>
  Type.String({ pattern: `^[0-9]{0,${max}}$`, description });

const Rewrite = strict(
  {
    prefix: Type.String({
      pattern: '^\\+?[0-9]{0,20}$',
      description: 'Applies to numbers starting with this',
    }),
    strip: Type.Integer({ minimum: 0, maximum: 20, default: 0, description: 'Leading characters removed' }),
    prepend: Type.String({ pattern: '^\\+?[0-9]{0,20}$', default: '', description: 'Then put in front' }),
  },
  'A rewrite applied before classification; the first matching rule wins',
);

export const NumberingSchema = strict(
  {
    countryCode: Type.String({
      pattern: '^[1-9][0-9]{0,2}$',
      description: 'E.164 country code, e.g. 49, 44, 1',
    }),
    nationalPrefix: Digits(4, 'Trunk prefix of national numbers (0 in DE/UK, 1 in the US; empty: none)'),
    internationalPrefix: Type.String({
      pattern: '^[0-9]{1,5}$',
      description: 'International call prefix (00 in DE/UK, 011 in the US)',
    }),
    areaCode: Type.Optional(
      Type.String({ pattern: '^[1-9][0-9]{0,5}$', description: 'Prepended to local (subscriber) numbers' }),
    ),
    nationalDigits: Type.Optional(
      strict(
        {
          min: Type.Integer({ minimum: 4, maximum: 14 }),
          max: Type.Integer({ minimum: 4, maximum: 14 }),
        },
        'Numbers of this many digits without any prefix are national significant numbers (US: 10-10)',
      ),
    ),
    rewrites: Type.Array(Rewrite, { default: [], maxItems: 50 }),
  },
  'How this gateway writes numbers, to turn them into E.164',
);

const Trust = strict(
  {
    caller: Type.Array(literals(CALLER_SOURCES), {
      default: [...CALLER_SOURCES],
      uniqueItems: true,
      description: 'Headers trusted for the caller, first usable wins (pai, rpid, from)',
    }),
    dialled: Type.Array(literals(DIALLED_SOURCES), {
      default: [...DIALLED_SOURCES],
      uniqueItems: true,
      minItems: 1,
      description:
        'Where the dialled number is read, first usable wins (request-uri, to, diversion, history-info)',
    }),
  },
  'Which headers of this gateway are believed',
  true,
);

const Health = strict(
  {
    enabled: Type.Boolean({ default: true, description: 'Send OPTIONS pings (needs host)' }),
    intervalMs: Type.Integer({
      minimum: 1000,
      maximum: 3_600_000,
      default: 30_000,
      description: 'Between pings',
    }),
    timeoutMs: Type.Integer({
      minimum: 100,
      maximum: 64_000,
      default: 5000,
      description: 'A ping without answer fails',
    }),
    failuresToDown: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 3,
      description: 'Failed pings in a row → down',
    }),
    successesToUp: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 2,
      description: 'Answered pings in a row → up',
    }),
  },
  'OPTIONS health checks',
  true,
);

const DigestCredentials = strict(
  {
    username: Type.String({ pattern: '^[^\\s:"\\\\]{1,128}$', description: 'Digest username (unique)' }),
    password: Type.String({ minLength: 8, maxLength: 256, description: 'Digest password (write-only)' }),
  },
  'Digest credentials the gateway authenticates with (RFC 7616)',
);

export const GatewaySpec = strict(
  {
    id: Type.String({ pattern: ID_PATTERN, description: 'Stable identifier (letters, digits, . _ -)' }),
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Human-readable name' }),
    kind: literals(GATEWAY_KINDS),
    enabled: Type.Boolean({ default: true, description: 'false: calls from it get 403, none go to it' }),
    sources: Type.Array(Type.String({ minLength: 2, maxLength: 64 }), {
      default: [],
      maxItems: 1000,
      description: 'Source addresses or CIDR prefixes (IPv4/IPv6) calls come from',
    }),
    auth: Type.Optional(DigestCredentials),
    host: Type.Optional(
      Type.String({
        pattern: '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)$',
        description: 'Where calls and pings go',
      }),
    ),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    transport: Type.Union(
      GATEWAY_TRANSPORTS.map((v) => Type.Literal(v)),
      { default: 'udp' },
    ),
    maxConcurrentCalls: Type.Integer({ minimum: 0, default: 0, description: 'Calls at once; 0 = unlimited' }),
    retryAfterSeconds: Type.Integer({
      minimum: 1,
      maximum: 3600,
      default: 30,
      description: 'Retry-After of the 503 sent when the gateway is full',
    }),
    priority: Type.Integer({
      minimum: 0,
      maximum: 1000,
      default: 10,
      description: 'Outbound: lower is tried first',
    }),
    weight: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 100,
      description: 'Outbound share within a priority',
    }),
    numbering: Type.Optional(NumberingSchema),
    trust: Trust,
    health: Health,
  },
  'A trunk calls arrive on and leave through',
);

/** A gateway as written (after defaults). */
export type GatewaySpecData = Static<typeof GatewaySpec>;
export type NumberingData = Static<typeof NumberingSchema>;
