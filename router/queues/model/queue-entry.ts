/**
 * The queue-entry state machine: one caller waiting in one queue. ONE pure transition function;
 * a refused event is a value (`ok: false` with a code), nothing changes.
 *
 *   waiting ──offer──▶ offering ──answered──▶ connected
 *     ▲                  │ offer-failed (no-answer | declined | busy) of the last ringing agent
 *     └──────────────────┘ offer-withdrawn
 *   waiting | offering ──abandon──▶ abandoned        (the caller hung up)
 *   waiting ──overflow──▶ overflowed                 (to another queue or spare numbers)
 *   waiting ──reject──▶ rejected                     (closed, full, no agents: a SIP status)
 *   waiting ──time-out──▶ timed-out                  (maximum wait reached)
 *
 * Every failed offer is counted per reason, and the agent is remembered in `tried` so the policy
 * moves on to the next agent; once every eligible agent has been tried the policy starts over.
 */
import type { OverflowTargetData } from './queue-schema.js';

export type EntryState =
  'waiting' | 'offering' | 'connected' | 'abandoned' | 'overflowed' | 'rejected' | 'timed-out';

export const FINAL_STATES: readonly EntryState[] = [
  'connected',
  'abandoned',
  'overflowed',
  'rejected',
  'timed-out',
];

export type OfferFailure = 'no-answer' | 'declined' | 'busy';

export interface EntryOffer {
  readonly offerId: string;
  readonly agentIds: readonly string[];
  readonly sinceMs: number;
  readonly deadlineMs: number;
}

export interface QueueEntry {
  readonly id: string;
  readonly queueId: string;
  readonly callerNumber: string;
  /** Higher is served first within the queue. */
  readonly priority: number;
  readonly enteredMs: number;
  readonly state: EntryState;
  readonly version: number;
  readonly offer?: EntryOffer;
  /** Agents that failed an offer of this entry, oldest first. */
  readonly tried: readonly string[];
  readonly failures: Readonly<Record<OfferFailure, number>>;
  readonly agentId?: string;
  readonly endedMs?: number;
  readonly status?: number;
  readonly overflowTo?: OverflowTargetData;
}

export type EntryEvent =
  | {
      readonly type: 'offer';
      readonly offerId: string;
      readonly agentIds: readonly string[];
      readonly ringTimeoutMs: number;
    }
  | { readonly type: 'answered'; readonly agentId: string }
  | { readonly type: 'offer-failed'; readonly agentId: string; readonly reason: OfferFailure }
  | { readonly type: 'offer-withdrawn' }
  | { readonly type: 'abandon' }
  | { readonly type: 'overflow'; readonly target: OverflowTargetData }
  | { readonly type: 'reject'; readonly status: number }
  | { readonly type: 'time-out' };

export type EntryRefusal = 'illegal-state' | 'unknown-agent' | 'invalid-event';

export type EntryTransition =
  | { readonly ok: true; readonly entry: QueueEntry }
  | { readonly ok: false; readonly code: EntryRefusal; readonly message: string };

export function newEntry(
  id: string,
  queueId: string,
  callerNumber: string,
  enteredMs: number,
  priority = 0,
): QueueEntry {
  const failures = { 'no-answer': 0, declined: 0, busy: 0 };
  return {
    id,
    queueId,
    callerNumber,
    priority,
    enteredMs,
    state: 'waiting',
    version: 0,
    tried: [],
    failures,
  };
}

/** Which states each event may leave from. */
const FROM: Readonly<Record<EntryEvent['type'], readonly EntryState[]>> = {
  offer: ['waiting'],
  answered: ['offering'],
  'offer-failed': ['offering'],
  'offer-withdrawn': ['offering'],
  abandon: ['waiting', 'offering'],
  overflow: ['waiting'],
  reject: ['waiting'],
  'time-out': ['waiting'],
};

function refuse(entry: QueueEntry, event: EntryEvent, code: EntryRefusal, detail: string): EntryTransition {
  return {
    ok: false,
    code,
    message: `entry ${entry.id}: '${event.type}' refused in ${entry.state}: ${detail}`,
  };
}

function back(entry: QueueEntry): QueueEntry {
  const { offer: _offer, ...rest } = entry;
  return { ...rest, state: 'waiting' };
}

function end(entry: QueueEntry, state: EntryState, nowMs: number): QueueEntry {
  const { offer: _offer, ...rest } = entry;
  return { ...rest, state, endedMs: nowMs };
}

type OfferEvent = Extract<EntryEvent, { type: 'offer' }>;
type FailedEvent = Extract<EntryEvent, { type: 'offer-failed' }>;

function startOffer(entry: QueueEntry, event: OfferEvent, nowMs: number): QueueEntry | EntryTransition {
  const { agentIds, ringTimeoutMs } = event;
  if (agentIds.length === 0 || ringTimeoutMs <= 0 || new Set(agentIds).size !== agentIds.length) {
    return refuse(entry, event, 'invalid-event', 'needs distinct agents and a positive ring timeout');
  }
  const offer = { offerId: event.offerId, agentIds, sinceMs: nowMs, deadlineMs: nowMs + ringTimeoutMs };
  return { ...entry, state: 'offering', offer };
}

/** One ringing agent failed: count it, remember it, and stop ringing it (the last one: waiting). */
function offerFailed(entry: QueueEntry, event: FailedEvent): QueueEntry | EntryTransition {
  const offer = entry.offer;
  if (!offer?.agentIds.includes(event.agentId)) return refuse(entry, event, 'unknown-agent', event.agentId);
  const counted: QueueEntry = {
    ...entry,
    tried: [...entry.tried.filter((a) => a !== event.agentId), event.agentId],
    failures: { ...entry.failures, [event.reason]: entry.failures[event.reason] + 1 },
  };
  const ringing = offer.agentIds.filter((a) => a !== event.agentId);
  return ringing.length === 0 ? back(counted) : { ...counted, offer: { ...offer, agentIds: ringing } };
}

function step(entry: QueueEntry, event: EntryEvent, nowMs: number): QueueEntry | EntryTransition {
  switch (event.type) {
    case 'offer':
      return startOffer(entry, event, nowMs);
    case 'answered':
      if (!entry.offer?.agentIds.includes(event.agentId))
        return refuse(entry, event, 'unknown-agent', event.agentId);
      return { ...end(entry, 'connected', nowMs), agentId: event.agentId };
    case 'offer-failed':
      return offerFailed(entry, event);
    case 'offer-withdrawn':
      return back(entry);
    case 'abandon':
    case 'time-out':
      return end(entry, event.type === 'abandon' ? 'abandoned' : 'timed-out', nowMs);
    case 'overflow':
      return { ...end(entry, 'overflowed', nowMs), overflowTo: event.target };
    case 'reject':
      return { ...end(entry, 'rejected', nowMs), status: event.status };
  }
}

export function transitionEntry(entry: QueueEntry, event: EntryEvent, nowMs: number): EntryTransition {
  if (!FROM[event.type].includes(entry.state)) return refuse(entry, event, 'illegal-state', 'not allowed');
  const r = step(entry, event, nowMs);
  if ('ok' in r) return r;
  return { ok: true, entry: { ...r, version: entry.version + 1 } };
}
