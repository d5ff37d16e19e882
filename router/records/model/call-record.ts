/**
 * The record of one call, folded from its events. Pure: no I/O, no SIP types.
 *
 * Events may arrive twice or out of order (several nodes publish a call's events), so the fold is
 * built to give the same record whatever the order and however often an event is seen:
 * - fields set by a once-per-call event (arrived, answered, ended) come only from that event;
 * - the queue and priority are those of the LATEST `queued` (by its time), filled from offered /
 *   answered / overflowed / ended only while no `queued` has been seen;
 * - the wait is the answered event's, else the ended event's, else the latest overflow's;
 * - the phase only moves forward (arrived → queued → connected → ended): a late event fills its
 *   fields without moving the phase back.
 * A once-per-call event seen again with different content is a conflict: the first one stays.
 *
 * Lifecycle (states as a union, {@link advancePhase} is the one transition function):
 *
 *   arrived ──queued──▶ queued ──answered──▶ connected ──ended──▶ ended
 *      └───────────────────┴──────────ended──────────────────────────┘
 */
import type { CallEvent, CallOutcome, HungUpBy } from './record-events.js';
export type { CallOutcome, HungUpBy } from './record-events.js';

export const CALL_PHASES = ['arrived', 'queued', 'connected', 'ended'] as const;
export type CallPhase = (typeof CALL_PHASES)[number];

export interface CallRecord {
  readonly id: string;
  readonly phase: CallPhase;
  /** Earliest event time seen; the arrival once `arrived` is seen. */
  readonly startedAt: Date;
  readonly sipCallId: string | null;
  readonly arrivedAt: Date | null;
  readonly gatewayId: string | null;
  readonly caller: string | null;
  readonly callerRestricted: boolean | null;
  readonly dialled: string | null;
  readonly entryKind: string | null;
  readonly entryId: string | null;
  readonly queueId: string | null;
  readonly priority: number | null;
  /** When the call (last) joined a queue. */
  readonly queuedAt: Date | null;
  readonly waitMs: number | null;
  /** The answering agent. */
  readonly agentId: string | null;
  readonly overflowTarget: string | null;
  readonly overflowedAt: Date | null;
  readonly answeredAt: Date | null;
  readonly endedAt: Date | null;
  readonly talkMs: number | null;
  readonly outcome: CallOutcome | null;
  /** The SIP status sent to the caller when refused. */
  readonly sipStatus: number | null;
  readonly hungUpBy: HungUpBy | null;
}

/** What a newly applied event means for metrics (each at most once per call). */
export type CallFact =
  | { readonly kind: 'answered'; readonly queueId: string | null; readonly waitMs: number }
  | { readonly kind: 'ended'; readonly queueId: string | null; readonly outcome: CallOutcome };

export type CallMerge =
  | { readonly kind: 'changed'; readonly record: CallRecord; readonly facts: readonly CallFact[] }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'conflict'; readonly reason: string };

const RANK: Readonly<Record<CallPhase, number>> = { arrived: 0, queued: 1, connected: 2, ended: 3 };
const PHASE_OF: Readonly<Record<CallEvent['type'], CallPhase>> = {
  'call.arrived': 'arrived',
  'call.queued': 'queued',
  'call.overflowed': 'queued',
  'call.answered': 'connected',
  'call.ended': 'ended',
};

/** The phase after `event`: forward moves are taken; a late event (lower phase) keeps the phase. */
export function advancePhase(phase: CallPhase | undefined, event: CallEvent['type']): CallPhase {
  const next = PHASE_OF[event];
  return phase === undefined || RANK[next] > RANK[phase] ? next : phase;
}

export function emptyCallRecord(id: string, at: Date, phase: CallPhase): CallRecord {
  return {
    id,
    phase,
    startedAt: at,
    sipCallId: null,
    arrivedAt: null,
    gatewayId: null,
    caller: null,
    callerRestricted: null,
    dialled: null,
    entryKind: null,
    entryId: null,
    queueId: null,
    priority: null,
    queuedAt: null,
    waitMs: null,
    agentId: null,
    overflowTarget: null,
    overflowedAt: null,
    answeredAt: null,
    endedAt: null,
    talkMs: null,
    outcome: null,
    sipStatus: null,
    hungUpBy: null,
  };
}

const earlier = (a: Date, b: Date): Date => (b.getTime() < a.getTime() ? b : a);
const notBefore = (x: Date | null, at: Date): boolean => x === null || at.getTime() >= x.getTime();

/** Fields the event sets, given the record before it. */
function fieldsOf(r: CallRecord, e: CallEvent, at: Date): Partial<CallRecord> {
  switch (e.type) {
    case 'call.arrived': {
      const d = e.data;
      return {
        startedAt: at,
        sipCallId: d.sipCallId,
        arrivedAt: at,
        gatewayId: d.gatewayId ?? null,
        caller: d.caller,
        callerRestricted: d.callerRestricted,
        dialled: d.dialled,
        entryKind: d.entry.kind,
        entryId: d.entry.id,
      };
    }
    case 'call.queued':
      return notBefore(r.queuedAt, at)
        ? { queueId: e.data.queueId, priority: e.data.priority, queuedAt: at }
        : {};
    case 'call.overflowed': {
      const latest = notBefore(r.overflowedAt, at);
      return {
        ...(r.queuedAt === null && r.queueId === null ? { queueId: e.data.queueId } : {}),
        ...(latest ? { overflowTarget: e.data.target, overflowedAt: at } : {}),
        ...(latest && r.answeredAt === null && r.endedAt === null ? { waitMs: e.data.waitMs } : {}),
      };
    }
    case 'call.answered':
      return {
        answeredAt: at,
        waitMs: e.data.waitMs,
        agentId: e.data.agentId ?? null,
        ...(e.data.overflowTarget !== undefined ? { overflowTarget: e.data.overflowTarget } : {}),
        ...(r.queuedAt === null && e.data.queueId !== undefined ? { queueId: e.data.queueId } : {}),
      };
    case 'call.ended':
      return endedFields(r, e.data, at);
  }
}

function endedFields(r: CallRecord, d: Extract<CallEvent, { type: 'call.ended' }>['data'], at: Date) {
  return {
    endedAt: at,
    outcome: d.outcome,
    sipStatus: d.status ?? null,
    hungUpBy: d.hungUpBy ?? null,
    talkMs: d.talkMs ?? null,
    ...(r.answeredAt === null ? { waitMs: d.waitMs } : {}),
    ...(r.agentId === null && r.answeredAt === null && d.agentId !== undefined ? { agentId: d.agentId } : {}),
    ...(r.queuedAt === null && d.queueId !== undefined ? { queueId: d.queueId } : {}),
  };
}

/** The once-per-call field that says the event was already applied. */
function alreadySeen(r: CallRecord, e: CallEvent): boolean {
  if (e.type === 'call.arrived') return r.arrivedAt !== null;
  if (e.type === 'call.answered') return r.answeredAt !== null;
  if (e.type === 'call.ended') return r.endedAt !== null;
  return false;
}

function factsOf(before: CallRecord | undefined, after: CallRecord, e: CallEvent): CallFact[] {
  if (e.type === 'call.answered') {
    return [{ kind: 'answered', queueId: e.data.queueId ?? after.queueId, waitMs: e.data.waitMs }];
  }
  if (e.type === 'call.ended' && (before?.endedAt ?? null) === null) {
    return [{ kind: 'ended', queueId: e.data.queueId ?? after.queueId, outcome: e.data.outcome }];
  }
  return [];
}

export function sameCallRecord(a: CallRecord, b: CallRecord): boolean {
  for (const key of Object.keys(a) as (keyof CallRecord)[]) {
    const x = a[key];
    const y = b[key];
    const same = x instanceof Date && y instanceof Date ? x.getTime() === y.getTime() : x === y;
    if (!same) return false;
  }
  return true;
}

/** Applies one event to the record (undefined = no row yet). */
export function mergeCallEvent(before: CallRecord | undefined, e: CallEvent): CallMerge {
  const at = new Date(e.data.at);
  if (Number.isNaN(at.getTime())) return { kind: 'conflict', reason: `unreadable time '${e.data.at}'` };
  const base = before ?? emptyCallRecord(e.data.callId, at, advancePhase(undefined, e.type));
  const merged: CallRecord = {
    ...base,
    ...fieldsOf(base, e, at),
    phase: advancePhase(before?.phase, e.type),
  };
  // The arrival, once known; before that the earliest time seen (order-independent either way).
  const startedAt = e.type === 'call.arrived' ? at : (base.arrivedAt ?? earlier(base.startedAt, at));
  const record = { ...merged, startedAt };
  if (before !== undefined && sameCallRecord(before, record)) return { kind: 'unchanged' };
  if (before !== undefined && alreadySeen(before, e)) {
    return { kind: 'conflict', reason: `${e.type} seen again with different content; the first one is kept` };
  }
  return { kind: 'changed', record, facts: factsOf(before, record, e) };
}
