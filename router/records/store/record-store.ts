/**
 * Rows of `calls` and `call_offers` (migration 0005) with optimistic concurrency: a load returns the
 * row's version; a save writes many rows in ONE statement (a multi-row upsert) where each row
 * carries the version it was merged from (`previous`, undefined = no row): a row is inserted when
 * there was none, or updated only if its version is still `previous`. The save returns the keys
 * written; the caller reloads the others (another writer got there first) and merges again.
 */
import type { CallOffersTable, CallsTable, Db } from '../../../infra/db/index.js';
import type { CallOutcome, CallRecord, HungUpBy } from '../model/call-record.js';
import type { OfferOutcome, OfferRecord } from '../model/offer-record.js';

export interface Versioned<R> {
  readonly record: R;
  readonly version: number;
}

/** A row to save and the version it was merged from (undefined when there was no row). */
export interface RowSave<R> {
  readonly record: R;
  readonly previous: number | undefined;
}

export interface RecordStore {
  loadCall(id: string): Promise<Versioned<CallRecord> | undefined>;
  loadOffer(callId: string, offerId: string): Promise<Versioned<OfferRecord> | undefined>;
  /** One query: the rows of these calls, by id. */
  loadCalls(ids: readonly string[]): Promise<Map<string, Versioned<CallRecord>>>;
  /** One query: the offers of these calls, by {@link offerKey}. */
  loadOffers(callIds: readonly string[]): Promise<Map<string, Versioned<OfferRecord>>>;
  /** One statement; the ids written (the others lost a race). Ids must be distinct. */
  saveCalls(rows: readonly RowSave<CallRecord>[]): Promise<Set<string>>;
  /** One statement; the {@link offerKey}s written (the others lost a race). Keys must be distinct. */
  saveOffers(rows: readonly RowSave<OfferRecord>[]): Promise<Set<string>>;
}

/** The key of one offer row in maps and sets. */
export const offerKey = (callId: string, offerId: string): string => `${callId}\n${offerId}`;
/** The call id of an {@link offerKey}. */
export const offerKeyCallId = (key: string): string => key.slice(0, key.indexOf('\n'));

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
    async loadOffer(callId, offerId) {
      const row = await db
        .selectFrom('call_offers')
        .selectAll()
        .where('call_id', '=', callId)
        .where('offer_id', '=', offerId)
        .executeTakeFirst();
      return row && { record: offerFromRow(row), version: row.version };
    },
    async loadCalls(ids) {
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('calls')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return new Map(rows.map((r) => [r.id, { record: callFromRow(r), version: r.version }]));
    },
    async loadOffers(callIds) {
      if (callIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('call_offers')
        .selectAll()
        .where('call_id', 'in', [...callIds])
        .execute();
      return new Map(
        rows.map((r) => [offerKey(r.call_id, r.offer_id), { record: offerFromRow(r), version: r.version }]),
      );
    },
    saveCalls: (rows) => saveCallRows(db, rows),
    saveOffers: (rows) => saveOfferRows(db, rows),
  };
}

/** The version a saved row gets: one more than the one it was merged from. */
const nextVersion = (previous: number | undefined): number => (previous ?? 0) + 1;

async function saveCallRows(db: Db, rows: readonly RowSave<CallRecord>[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const written = await db
    .insertInto('calls')
    .values(
      rows.map((r) => ({ id: r.record.id, version: nextVersion(r.previous), ...callColumns(r.record) })),
    )
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet((eb) => ({
          version: eb.ref('excluded.version'),
          phase: eb.ref('excluded.phase'),
          started_at: eb.ref('excluded.started_at'),
          sip_call_id: eb.ref('excluded.sip_call_id'),
          arrived_at: eb.ref('excluded.arrived_at'),
          gateway_id: eb.ref('excluded.gateway_id'),
          caller: eb.ref('excluded.caller'),
          caller_restricted: eb.ref('excluded.caller_restricted'),
          dialled: eb.ref('excluded.dialled'),
          entry_kind: eb.ref('excluded.entry_kind'),
          entry_id: eb.ref('excluded.entry_id'),
          queue_id: eb.ref('excluded.queue_id'),
          priority: eb.ref('excluded.priority'),
          queued_at: eb.ref('excluded.queued_at'),
          wait_ms: eb.ref('excluded.wait_ms'),
          agent_id: eb.ref('excluded.agent_id'),
          overflow_target: eb.ref('excluded.overflow_target'),
          overflowed_at: eb.ref('excluded.overflowed_at'),
          answered_at: eb.ref('excluded.answered_at'),
          ended_at: eb.ref('excluded.ended_at'),
          talk_ms: eb.ref('excluded.talk_ms'),
          outcome: eb.ref('excluded.outcome'),
          sip_status: eb.ref('excluded.sip_status'),
          hung_up_by: eb.ref('excluded.hung_up_by'),
        }))
        // Only over the version the row was merged from; a row another writer moved is left alone.
        .where((eb) => eb('calls.version', '=', eb(eb.ref('excluded.version'), '-', 1))),
    )
    .returning('id')
    .execute();
  return new Set(written.map((r) => r.id));
}

async function saveOfferRows(db: Db, rows: readonly RowSave<OfferRecord>[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const values = rows.map((r) => ({
    call_id: r.record.callId,
    offer_id: r.record.offerId,
    version: nextVersion(r.previous),
    ...offerColumns(r.record),
  }));
  const written = await db
    .insertInto('call_offers')
    .values(values)
    .onConflict((oc) =>
      oc
        .columns(['call_id', 'offer_id'])
        .doUpdateSet((eb) => ({
          version: eb.ref('excluded.version'),
          agent_id: eb.ref('excluded.agent_id'),
          queue_id: eb.ref('excluded.queue_id'),
          personal_manager: eb.ref('excluded.personal_manager'),
          devices: eb.ref('excluded.devices'),
          offered_at: eb.ref('excluded.offered_at'),
          ended_at: eb.ref('excluded.ended_at'),
          ring_ms: eb.ref('excluded.ring_ms'),
          outcome: eb.ref('excluded.outcome'),
          sip_status: eb.ref('excluded.sip_status'),
        }))
        .where((eb) => eb('call_offers.version', '=', eb(eb.ref('excluded.version'), '-', 1))),
    )
    .returning(['call_id', 'offer_id'])
    .execute();
  return new Set(written.map((r) => offerKey(r.call_id, r.offer_id)));
}
