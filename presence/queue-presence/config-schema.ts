/**
 * TypeBox schema of contact-center presence as an operator writes it: the `presence` field of a
 * queue (router/queues/model/queue-schema.ts), the services that group queues, and the defaults of
 * the notifier (`presence.queuePresence` in the config). Every field has a default, so a queue with
 * `presence: { users: [sales] }` is public, notes-free and rate-limited by the section's default.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { ID_PATTERN, item, oneOf, section } from '../../config/schema-helpers.js';

/** RFC 3261 §25.1 `user` kept simple: unreserved characters only (they need no escaping). */
export const PRESENCE_USER_PATTERN = "^[A-Za-z0-9._~!$&'()*+,;=-]{1,64}$";
/** RFC 5646 language tag, simplified (en, fr, pt-BR, zh-Hant-TW). */
export const LANGUAGE_PATTERN = '^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$';

export const QueuePresenceAccess = Type.Union(
  [
    Type.Literal('public'),
    Type.Literal('authenticated'),
    item(
      {
        allow: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
          minItems: 1,
          maxItems: 1000,
          description: 'Watchers allowed: a domain (example.com), *.example.com, or a URI sip:user@domain',
        }),
      },
      { description: 'Only these watchers (matched on the From URI)' },
    ),
  ],
  {
    default: 'public',
    description:
      'public: anyone; authenticated: digest users of presence.domain; {allow: [...]}: an allowlist',
  },
);

const presenceFields = {
  users: Type.Array(Type.String({ pattern: PRESENCE_USER_PATTERN }), {
    minItems: 1,
    maxItems: 20,
    uniqueItems: true,
    description: 'User parts of the presence URIs: sip:<user>@<presence.domain>',
  }),
  access: QueuePresenceAccess,
  denied: oneOf(['forbidden', 'polite'] as const, {
    default: 'forbidden',
    description:
      'A refused watcher gets 403 (forbidden), or 200 + NOTIFY pending then terminated;reason=rejected (polite)',
  }),
  notes: Type.Record(
    Type.String({ pattern: LANGUAGE_PATTERN }),
    Type.String({ minLength: 1, maxLength: 500 }),
    {
      default: {},
      description: 'Note shown to watchers per language (en, fr, ...), chosen by their Accept-Language',
    },
  ),
  offerCallbacks: Type.Boolean({ default: false, description: 'Watchers are told callbacks are offered' }),
};

/** The `presence` field of a queue. */
export const QueuePresenceSpec = item(presenceFields, {
  description: 'Presence of the queue for customers (presence/queue-presence)',
});

/** A service: several queues shown to customers as one presentity. */
export const PresenceServiceSpec = item({
  id: Type.String({ pattern: ID_PATTERN }),
  queues: Type.Array(Type.String({ pattern: ID_PATTERN }), { minItems: 1, maxItems: 100, uniqueItems: true }),
  ...presenceFields,
});

/** `presence.queuePresence`: the notifier's defaults and the services. */
export const QueuePresenceSection = section({
  minIntervalS: Type.Number({
    minimum: 0,
    maximum: 3600,
    default: 5,
    description: 'Least time between two NOTIFYs of one subscription (RFC 6446); watchers may ask for more',
  }),
  publishExpiresS: Type.Integer({
    minimum: 60,
    maximum: 86400,
    default: 3600,
    description:
      'External presence mode: Expires of the PUBLISHes of queue documents to the presence server (RFC 3903), refreshed before it runs out',
  }),
  services: Type.Array(PresenceServiceSpec, {
    default: [],
    description: 'Groups of queues with presence URIs of their own',
  }),
});

export type QueuePresenceData = Static<typeof QueuePresenceSpec>;
export type PresenceServiceData = Static<typeof PresenceServiceSpec>;
export type QueuePresenceSectionData = Static<typeof QueuePresenceSection>;
export type QueuePresenceAccessData = Static<typeof QueuePresenceAccess>;
