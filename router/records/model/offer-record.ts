/**
 * The record of one offer (a call ringing one agent's devices), folded from `call.offered` and
 * `call.offer-ended` in any order, each any number of times. Pure.
 *
 * Lifecycle: ringing ──offer-ended──▶ ended (an `offer-ended` seen first makes the offer ended at
 * once; the `offered` seen later only fills in when and where it was offered).
 */
import type { OfferEvent, OfferOutcome } from './record-events.js';
export type { OfferOutcome } from './record-events.js';

export type OfferPhase = 'ringing' | 'ended';

export interface OfferRecord {
  readonly callId: string;
  readonly offerId: string;
  readonly agentId: string;
  readonly queueId: string | null;
  readonly personalManager: boolean | null;
  readonly devices: number | null;
  readonly offeredAt: Date | null;
  readonly endedAt: Date | null;
  readonly ringMs: number | null;
  readonly outcome: OfferOutcome | null;
  /** The SIP status that ended the offer (e.g. 486, 603), when one did. */
  readonly sipStatus: number | null;
}

export type OfferFact = {
  readonly kind: 'offer-ended';
  readonly agentId: string;
  readonly outcome: OfferOutcome;
  readonly ringMs: number;
};

export type OfferMerge =
  | { readonly kind: 'changed'; readonly record: OfferRecord; readonly facts: readonly OfferFact[] }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'conflict'; readonly reason: string };

export const offerPhase = (r: OfferRecord): OfferPhase => (r.endedAt === null ? 'ringing' : 'ended');

function fieldsOf(e: OfferEvent, at: Date): Partial<OfferRecord> {
  if (e.type === 'call.offered') {
    return {
      agentId: e.data.agentId,
      queueId: e.data.queueId ?? null,
      personalManager: e.data.personalManager,
      devices: e.data.devices,
      offeredAt: at,
    };
  }
  return {
    agentId: e.data.agentId,
    endedAt: at,
    ringMs: e.data.ringMs,
    outcome: e.data.outcome,
    sipStatus: e.data.status ?? null,
  };
}

function blank(e: OfferEvent): OfferRecord {
  return {
    callId: e.data.callId,
    offerId: e.data.offerId,
    agentId: e.data.agentId,
    queueId: null,
    personalManager: null,
    devices: null,
    offeredAt: null,
    endedAt: null,
    ringMs: null,
    outcome: null,
    sipStatus: null,
  };
}

export function sameOfferRecord(a: OfferRecord, b: OfferRecord): boolean {
  return (Object.keys(a) as (keyof OfferRecord)[]).every((k) => {
    const x = a[k];
    const y = b[k];
    return x instanceof Date && y instanceof Date ? x.getTime() === y.getTime() : x === y;
  });
}

export function mergeOfferEvent(before: OfferRecord | undefined, e: OfferEvent): OfferMerge {
  const at = new Date(e.data.at);
  if (Number.isNaN(at.getTime())) return { kind: 'conflict', reason: `unreadable time '${e.data.at}'` };
  const base = before ?? blank(e);
  const record: OfferRecord = { ...base, ...fieldsOf(e, at) };
  if (before !== undefined && sameOfferRecord(before, record)) return { kind: 'unchanged' };
  const seen = e.type === 'call.offered' ? before?.offeredAt : before?.endedAt;
  if (seen !== undefined && seen !== null) {
    return { kind: 'conflict', reason: `${e.type} seen again with different content; the first one is kept` };
  }
  if (before !== undefined && before.agentId !== record.agentId) {
    return { kind: 'conflict', reason: `offer ${e.data.offerId} names two agents` };
  }
  if (e.type === 'call.offered') return { kind: 'changed', record, facts: [] };
  const fact: OfferFact = {
    kind: 'offer-ended',
    agentId: e.data.agentId,
    outcome: e.data.outcome,
    ringMs: e.data.ringMs,
  };
  return { kind: 'changed', record, facts: [fact] };
}
