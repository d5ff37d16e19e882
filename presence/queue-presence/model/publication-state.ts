/**
 * One publication of a queue's presence document at an external presence server, event publication
 * agent side (RFC 3903 §4):
 *
 * ```
 *                 send (initial)                 accepted
 *  unpublished ───────────────▶ publishing ─────────────────▶ published
 *       ▲  ▲                     │   ▲  ▲                        │
 *       │  └─ precondition-failed┘   │  └── send (refresh: SIP-If-Match, no body; ──┘
 *       │     (412: our entity-tag   │       modify: SIP-If-Match + the new body)
 *       │      is unknown there)     │
 *       │                  failed    │ send (retry)
 *       │                     ▼      │
 *       │                   backoff ─┘
 *       │
 *  close: unpublished / backoff / publishing (unanswered) ──▶ closed;
 *         published ──▶ removing (Expires: 0 + SIP-If-Match)
 *         ──── removed (any answer) ──▶ closed
 * ```
 * One PUBLISH is in flight at a time (`publishing`, `removing`). The driver (queue-publisher.ts)
 * holds the entity-tag, the timers and the rate limit; this file only says which moves exist.
 */
import { QueuePresenceError } from '../errors.js';

export type PublicationState = 'unpublished' | 'publishing' | 'published' | 'backoff' | 'removing' | 'closed';

export type PublicationEvent = 'send' | 'accepted' | 'precondition-failed' | 'failed' | 'close' | 'removed';

const MOVES: Readonly<Record<PublicationState, Partial<Record<PublicationEvent, PublicationState>>>> = {
  unpublished: { send: 'publishing', close: 'closed' },
  // close while a PUBLISH is in flight and unanswered for too long: give up on it.
  publishing: {
    accepted: 'published',
    'precondition-failed': 'unpublished',
    failed: 'backoff',
    close: 'closed',
  },
  published: { send: 'publishing', close: 'removing' },
  backoff: { send: 'publishing', close: 'closed' },
  removing: { removed: 'closed' },
  closed: {},
};

export function publicationTransition(state: PublicationState, event: PublicationEvent): PublicationState {
  const next = MOVES[state][event];
  if (next === undefined) {
    throw new QueuePresenceError(
      'illegal-publication-transition',
      `queue publication: ${event} not allowed in ${state}`,
    );
  }
  return next;
}

/** What the next PUBLISH is, RFC 3903 §4.1–§4.6. */
export type PublishKind = 'initial' | 'refresh' | 'modify' | 'remove';

/** The answer to a PUBLISH, as the SIP layer reads it (RFC 3903 §6, §11.3). */
export type PublishAnswer =
  | { readonly kind: 'accepted'; readonly etag: string; readonly expiresS: number }
  /** 412 Conditional Request Failed: the server does not know our entity-tag (any more). */
  | { readonly kind: 'precondition-failed' }
  /** 423 Interval Too Brief with Min-Expires. */
  | { readonly kind: 'interval-too-brief'; readonly minExpiresS: number }
  /** Anything else (timeout, 5xx, 4xx): try again later. */
  | { readonly kind: 'failed'; readonly status?: number; readonly retryAfterS?: number };

export interface PublishRequest {
  readonly kind: PublishKind;
  /** SIP-If-Match (refresh, modify, remove). */
  readonly etag?: string;
  readonly expiresS: number;
  /** The document (initial, modify). */
  readonly body?: string;
}

/** Sends one PUBLISH (implemented over srf in sip/srf-publish-channel.ts). */
export interface PublishChannel {
  publish(request: PublishRequest): Promise<PublishAnswer>;
}
