/**
 * Event types of inbound calls and queues (issue 5): the contract between call control (publisher,
 * `router/calls/`), the call recorder and metrics, the live queue view, and contact-center presence
 * for customers (`presence/queue-presence/`, issue 6). Topic suffix: the call id for `call.*`, the
 * queue id for `queue.state`. Times are ISO-8601; durations in milliseconds.
 */
import { Type } from '@sinclair/typebox';
import { defineEvent } from './catalogue-define.js';

const at = Type.String({ description: 'ISO-8601 time of the event' });
const callId = Type.String({ description: "patchbay's call id (not the SIP Call-ID)" });
const durationMs = Type.Integer({ minimum: 0 });

export const OFFER_OUTCOMES = ['answered', 'no-answer', 'declined', 'busy', 'cancelled', 'failed'] as const;
export const CALL_OUTCOMES = [
  'completed', // answered by an agent (or a spare number) and then hung up
  'abandoned', // the caller hung up before an answer
  'rejected', // refused: closed, full, no agents, unknown number, gateway limit
  'overflowed', // sent to a spare number / SIP URI that did not answer
  'timed-out', // max wait reached with no action configured
  'failed', // an internal or network failure
] as const;

const literals = (xs: readonly string[]) => Type.Union(xs.map((x) => Type.Literal(x)));

export const CALL_EVENTS = {
  /** An INVITE was admitted from a gateway and its entry point found. */
  callArrived: defineEvent(
    'call.arrived',
    Type.Object({
      callId,
      sipCallId: Type.String(),
      gatewayId: Type.Optional(Type.String()),
      caller: Type.String({ description: 'E.164 when normalized, else as received' }),
      callerRestricted: Type.Boolean(),
      dialled: Type.String(),
      entry: Type.Object({ kind: literals(['queue', 'agent'] as const), id: Type.String() }),
      at,
    }),
  ),
  /** The call joined a queue and waits. */
  callQueued: defineEvent(
    'call.queued',
    Type.Object({
      callId,
      queueId: Type.String(),
      priority: Type.Integer(),
      position: Type.Integer({ minimum: 1 }),
      at,
    }),
  ),
  /** An offer started ringing an agent's devices. */
  callOffered: defineEvent(
    'call.offered',
    Type.Object({
      callId,
      offerId: Type.String(),
      agentId: Type.String(),
      queueId: Type.Optional(Type.String()),
      caller: Type.Optional(Type.String({ description: "The caller's number, as in call.arrived" })),
      devices: Type.Integer({ minimum: 0 }),
      personalManager: Type.Boolean(),
      at,
    }),
  ),
  /** An offer ended, with its outcome and how long it rang. */
  callOfferEnded: defineEvent(
    'call.offer-ended',
    Type.Object({
      callId,
      offerId: Type.String(),
      agentId: Type.String(),
      outcome: literals(OFFER_OUTCOMES),
      ringMs: durationMs,
      status: Type.Optional(Type.Integer()),
      at,
    }),
  ),
  /** The caller is connected (to an agent, or to an overflow target). */
  callAnswered: defineEvent(
    'call.answered',
    Type.Object({
      callId,
      agentId: Type.Optional(Type.String()),
      overflowTarget: Type.Optional(Type.String()),
      queueId: Type.Optional(Type.String()),
      waitMs: durationMs,
      at,
    }),
  ),
  /** The call left its queue for an overflow target (spare number, SIP URI or another queue). */
  callOverflowed: defineEvent(
    'call.overflowed',
    Type.Object({ callId, queueId: Type.String(), target: Type.String(), waitMs: durationMs, at }),
  ),
  /** The call is over: every leg, offer and timer is gone. */
  callEnded: defineEvent(
    'call.ended',
    Type.Object({
      callId,
      outcome: literals(CALL_OUTCOMES),
      status: Type.Optional(Type.Integer({ description: 'SIP status sent to the caller when refused' })),
      hungUpBy: Type.Optional(literals(['caller', 'agent', 'system'] as const)),
      queueId: Type.Optional(Type.String()),
      agentId: Type.Optional(Type.String()),
      waitMs: durationMs,
      talkMs: Type.Optional(durationMs),
      at,
    }),
  ),
  /**
   * A queue's live state, published when it changes (coalesced, at most a few per second per
   * queue) and once when the router starts.
   */
  queueState: defineEvent(
    'queue.state',
    Type.Object({
      queueId: Type.String(),
      open: Type.Boolean({ description: 'within opening hours' }),
      accepting: Type.Boolean({ description: 'open and not full, and new calls are admitted' }),
      depth: Type.Integer({ minimum: 0, description: 'callers waiting' }),
      longestWaitMs: durationMs,
      availableAgents: Type.Integer({ minimum: 0 }),
      loggedInAgents: Type.Integer({ minimum: 0 }),
      nextOpenAt: Type.Optional(Type.String({ description: 'ISO-8601, when closed' })),
      at,
    }),
  ),
} as const;
