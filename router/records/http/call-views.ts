/** Records → API JSON (ISO times, nulls kept), and the opaque history cursor. */
import type { CallRecord } from '../model/call-record.js';
import type { OfferRecord } from '../model/offer-record.js';
import { offerPhase } from '../model/offer-record.js';
import type { CallCursor } from '../store/record-queries.js';
import type { CallViewData, OfferViewData } from './record-schemas.js';

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

export function callView(c: CallRecord): CallViewData {
  return {
    id: c.id,
    phase: c.phase,
    startedAt: c.startedAt.toISOString(),
    sipCallId: c.sipCallId,
    arrivedAt: iso(c.arrivedAt),
    gatewayId: c.gatewayId,
    caller: c.caller,
    callerRestricted: c.callerRestricted,
    dialled: c.dialled,
    entry: c.entryKind !== null && c.entryId !== null ? { kind: c.entryKind, id: c.entryId } : null,
    queueId: c.queueId,
    priority: c.priority,
    queuedAt: iso(c.queuedAt),
    waitMs: c.waitMs,
    agentId: c.agentId,
    overflowTarget: c.overflowTarget,
    overflowedAt: iso(c.overflowedAt),
    answeredAt: iso(c.answeredAt),
    endedAt: iso(c.endedAt),
    talkMs: c.talkMs,
    outcome: c.outcome,
    sipStatus: c.sipStatus,
    hungUpBy: c.hungUpBy,
  };
}

export function offerView(o: OfferRecord): OfferViewData {
  return {
    offerId: o.offerId,
    agentId: o.agentId,
    phase: offerPhase(o),
    queueId: o.queueId,
    personalManager: o.personalManager,
    devices: o.devices,
    offeredAt: iso(o.offeredAt),
    endedAt: iso(o.endedAt),
    ringMs: o.ringMs,
    outcome: o.outcome,
    sipStatus: o.sipStatus,
  };
}

export function encodeCursor(c: CallCursor): string {
  return Buffer.from(JSON.stringify([c.startedAt.toISOString(), c.id])).toString('base64url');
}

/** The cursor, or undefined when it is not one this API handed out. */
export function decodeCursor(text: string): CallCursor | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string' || typeof v[1] !== 'string')
      return undefined;
    const startedAt = new Date(v[0]);
    return Number.isNaN(startedAt.getTime()) ? undefined : { startedAt, id: v[1] };
  } catch {
    return undefined;
  }
}
