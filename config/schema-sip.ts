/**
 * The `sip` section: which SIP engine the router talks to. `embedded` runs sip-engine/ in process
 * with the `engine` settings (the shape of sip-engine/config.ts `EngineConfig`); `external` connects
 * to the drachtio-servers listed in `servers` (the `engine` settings are then unused).
 */
import { Type } from '@sinclair/typebox';
import { item, oneOf, Port, section } from './schema-helpers.js';

/** `sip:` or `sips:` URI with optional parameters (`;transport=udp,tcp`); checked further in semantics.ts. */
export const CONTACT_PATTERN = '^sips?:[^\\s;]+(;[^\\s]*)?$';

const Contact = item({
  uri: Type.String({
    pattern: CONTACT_PATTERN,
    description:
      'Listening point, e.g. sip:127.0.0.1:5060;transport=udp,tcp (transports: udp, tcp, tls, ws, wss)',
  }),
  externalIp: Type.Optional(
    Type.String({ minLength: 1, description: 'Public address advertised in Via/Contact/Record-Route (NAT)' }),
  ),
});

const Admin = section({
  address: Type.String({
    default: '127.0.0.1',
    description: 'Address of the drachtio admin (application) port',
  }),
  port: Port(9022, 'drachtio admin port applications connect to'),
  secret: Type.String({
    minLength: 1,
    default: 'cymru',
    description: 'Shared secret applications authenticate with',
  }),
  tlsPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Admin port over TLS' })),
});

const Tls = item({
  keyFile: Type.String({ minLength: 1, description: 'PEM private key file' }),
  certFile: Type.String({ minLength: 1, description: 'PEM certificate file' }),
  chainFile: Type.Optional(Type.String({ minLength: 1, description: 'PEM chain file' })),
});

// RFC 3261 §17.1.1.1 (T1), §17.1.2.2 (T2), §17.1.2.2 (T4): defaults 500 ms, 4 s, 5 s.
const Timers = section({
  t1Ms: Type.Integer({
    minimum: 10,
    maximum: 60000,
    default: 500,
    description: 'RFC 3261 T1 (RTT estimate), ms',
  }),
  t2Ms: Type.Integer({ minimum: 10, maximum: 600000, default: 4000, description: 'RFC 3261 T2, ms' }),
  t4Ms: Type.Integer({ minimum: 10, maximum: 600000, default: 5000, description: 'RFC 3261 T4, ms' }),
});

const Limits = section({
  maxMessageBytes: Type.Integer({
    minimum: 1024,
    maximum: 1048576,
    default: 65535,
    description: 'Largest SIP message',
  }),
  maxConnections: Type.Integer({
    minimum: 1,
    default: 10000,
    description: 'Simultaneous stream connections',
  }),
  idleTimeoutMs: Type.Integer({
    minimum: 1000,
    default: 60000,
    description: 'Close silent stream connections after',
  }),
  perSourceRequestsPerSecond: Type.Integer({
    minimum: 0,
    default: 8000,
    description: 'Requests per second per source IP (0 = unlimited)',
  }),
  maxPendingTransactions: Type.Integer({
    minimum: 1,
    default: 150000,
    description: 'Live transactions before new requests get 503',
  }),
});

// RFC 4028 §4-§5: Min-SE is never below 90 s; interval 0 disables session timers.
const SessionTimer = section({
  intervalS: Type.Integer({ minimum: 0, default: 1800, description: 'Session-Expires offered, s (0 = off)' }),
  minSeS: Type.Integer({ minimum: 90, default: 90, description: 'Min-SE, s (RFC 4028: at least 90)' }),
  refresher: oneOf(['uac', 'uas'] as const, { default: 'uac', description: 'Who refreshes the session' }),
});

const Engine = section({
  contacts: Type.Array(Contact, {
    minItems: 1,
    default: [{ uri: 'sip:127.0.0.1:5060;transport=udp,tcp' }],
    description: 'Where the engine listens for SIP',
  }),
  admin: Admin,
  tls: Type.Optional(Tls),
  timers: Timers,
  limits: Limits,
  sessionTimer: SessionTimer,
  cdrs: Type.Boolean({ default: false, description: 'Deliver CDRs to applications' }),
  optionsPingUserAgent: Type.Optional(
    Type.String({ minLength: 1, description: 'Answer OPTIONS from this User-Agent with 200' }),
  ),
  userAgent: Type.String({
    minLength: 1,
    default: 'patchbay-sip-engine',
    description: 'Server/User-Agent header',
  }),
});

const DrachtioServer = item({
  host: Type.String({ minLength: 1, description: 'drachtio-server host' }),
  port: Type.Integer({ minimum: 1, maximum: 65535, default: 9022, description: 'drachtio admin port' }),
  secret: Type.String({ minLength: 1, description: 'drachtio admin secret' }),
  tls: Type.Boolean({ default: false, description: 'Connect to the admin port over TLS' }),
});

export const SipSection = section({
  mode: oneOf(['embedded', 'external'] as const, {
    default: 'embedded',
    description: 'embedded: run sip-engine in process; external: connect to drachtio-servers',
  }),
  engine: Engine,
  servers: Type.Array(DrachtioServer, { default: [], description: 'drachtio-servers (mode external)' }),
});
