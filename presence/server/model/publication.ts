/**
 * One publication of event state (RFC 3903): the state an Event Publication Agent published for a
 * presentity, identified by its current entity-tag.
 *
 * ```
 *               refresh (new etag, new expiry)        RFC 3903 §4.3 / §6 step 5
 *               modify  (new etag, new body)          RFC 3903 §4.4 / §6 step 5
 *               ┌──────┐
 *   initial ──▶ active ──── remove (Expires: 0) ───▶ removed    RFC 3903 §4.5
 *   PUBLISH       │
 *                 └──────── expire (timer) ────────▶ expired    RFC 3903 §4.1 / §5
 * ```
 * `removed` and `expired` are final: the entity-tag is forgotten and a later SIP-If-Match naming it
 * gets 412 (RFC 3903 §6 step 3).
 */
import { PresenceServerError } from '../errors.js';

export type PublicationState = 'active' | 'removed' | 'expired';
export type PublicationEvent = 'refresh' | 'modify' | 'remove' | 'expire';

const MOVES: Readonly<Record<PublicationState, Partial<Record<PublicationEvent, PublicationState>>>> = {
  active: { refresh: 'active', modify: 'active', remove: 'removed', expire: 'expired' },
  removed: {},
  expired: {},
};

/** The one transition function: the next state, or PresenceServerError for a move not in MOVES. */
export function publicationTransition(state: PublicationState, event: PublicationEvent): PublicationState {
  const next = MOVES[state][event];
  if (next === undefined) {
    throw new PresenceServerError(
      'illegal-publication-transition',
      `publication: ${event} not allowed in ${state}`,
    );
  }
  return next;
}

export function isFinalPublicationState(state: PublicationState): boolean {
  return state !== 'active';
}
