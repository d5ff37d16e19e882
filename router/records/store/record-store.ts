/**
 * Rows of `calls` and `call_offers` (migration 0005) with optimistic concurrency: `load` returns the
 * row's version, `save` inserts when there was none (false if another writer inserted first) or
 * updates only if the version is unchanged (false if another writer got there first). The caller
 * reloads and merges again on false.
 */
import type { CallOffersTable, CallsTable, Db } from '../../../infra/db/index.js';
import type { CallOutcome, CallRecord, HungUpBy } from '../model/call-record.js';
import type { OfferOutcome, OfferRecord } from '../model/offer-record.js';

export interface Versioned<R> {
  readonly record: R;
  readonly version: number;
}

export interface RecordStore {
  loadCall(id: string): Promise<Versioned<CallRecord> | undefined>;
  /** `previous` = the version loaded (undefined when there was no row). */
  saveCall(record: CallRecord, previous: number | undefined): Promise<boolean>;
  loadOffer(callId: string, offerId: string): Promise<Versioned<OfferRecord> | undefined>;
  saveOffer(record: OfferRecord, previous: number | undefined): Promise<boolean>;
}

type CallRow = CallsTable;
type OfferRow = CallOffersTable;

export function callFromRow(r: CallRow): CallRecord {
  return {
    id: r.id,
    phase: r.phase,
    startedAt: r.started_at,
    sipCallId: r.sip_call_id,
    arrivedAt: r.arrived_at,
    gatewayId: r.gateway_id,
    caller: r.caller,
    callerRestricted: r.caller_restricted,
    dialled: r.dialled,
    entryKind: r.entry_kind,
    entryId: r.entry_id,
    queueId: r.queue_id,
    priority: r.priority,
    queuedAt: r.queued_at,
    waitMs: r.wait_ms,
    agentId: r.agent_id,
    overflowTarget: r.overflow_target,
    overflowedAt: r.overflowed_at,
    answeredAt: r.answered_at,
    endedAt: r.ended_at,
    talkMs: r.talk_ms,
    outcome: r.outcome as CallOutcome | null,
    sipStatus: r.sip_status,
    hungUpBy: r.hung_up_by as HungUpBy | null,
  };
}

function callColumns(c: CallRecord): Omit<CallRow, 'id' | 'version'> {
  return {
    phase: c.phase,
    started_at: c.startedAt,
    sip_call_id: c.sipCallId,
    arrived_at: c.arrivedAt,
    gateway_id: c.gatewayId,
    caller: c.caller,
    caller_restricted: c.callerRestricted,
    dialled: c.dialled,
    entry_kind: c.entryKind,
    entry_id: c.entryId,
    queue_id: c.queueId,
    priority: c.priority,
    queued_at: c.queuedAt,
    wait_ms: c.waitMs,
    agent_id: c.agentId,
    overflow_target: c.overflowTarget,
    overflowed_at: c.overflowedAt,
    answered_at: c.answeredAt,
    ended_at: c.endedAt,
    talk_ms: c.talkMs,
    outcome: c.outcome,
    sip_status: c.sipStatus,
    hung_up_by: c.hungUpBy,
  };
}

export function offerFromRow(r: OfferRow): OfferRecord {
  return {
    callId: r.call_id,
    offerId: r.offer_id,
    agentId: r.agent_id,
    queueId: r.queue_id,
    personalManager: r.personal_manager,
    devices: r.devices,
    offeredAt: r.offered_at,
    endedAt: r.ended_at,
    ringMs: r.ring_ms,
    outcome: r.outcome as OfferOutcome | null,
    sipStatus: r.sip_status,
  };
}

function offerColumns(o: OfferRecord): Omit<OfferRow, 'call_id' | 'offer_id' | 'version'> {
  return {
    agent_id: o.agentId,
    queue_id: o.queueId,
    personal_manager: o.personalManager,
    devices: o.devices,
    offered_at: o.offeredAt,
    ended_at: o.endedAt,
    ring_ms: o.ringMs,
    outcome: o.outcome,
    sip_status: o.sipStatus,
  };
}

export function createRecordStore(db: Db): RecordStore {
  return {
    async loadCall(id) {
      const row = await db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
      return row && { record: callFromRow(row), version: row.version };
    },
    async saveCall(record, previous) {
      if (previous === undefined) {
        const inserted = await db
          .insertInto('calls')
          .values({ id: record.id, version: 1, ...callColumns(record) })
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        return (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n;
      }
      const updated = await db
        .updateTable('calls')
        .set({ ...callColumns(record), version: previous + 1 })
        .where('id', '=', record.id)
        .where('version', '=', previous)
        .executeTakeFirst();
      return updated.numUpdatedRows > 0n;
    },
    async loadOffer(callId, offerId) {
      const row = await db
        .selectFrom('call_offers')
        .selectAll()
        .where('call_id', '=', callId)
        .where('offer_id', '=', offerId)
        .executeTakeFirst();
      return row && { record: offerFromRow(row), version: row.version };
    },
    async saveOffer(record, previous) {
      if (previous === undefined) {
        const inserted = await db
          .insertInto('call_offers')
          .values({ call_id: record.callId, offer_id: record.offerId, version: 1, ...offerColumns(record) })
          .onConflict((oc) => oc.columns(['call_id', 'offer_id']).doNothing())
          .executeTakeFirst();
        return (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n;
      }
      const updated = await db
        .updateTable('call_offers')
        .set({ ...offerColumns(record), version: previous + 1 })
        .where('call_id', '=', record.callId)
        .where('offer_id', '=', record.offerId)
        .where('version', '=', previous)
        .executeTakeFirst();
      return updated.numUpdatedRows > 0n;
    },
  };
}
