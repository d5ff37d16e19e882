/**
 * Reads for the REST API: call history with filters and keyset pagination (newest first, by
 * (started_at, id)), one call with its offers, and today's counts per queue.
 */
import type { Db } from '../../../infra/db/index.js';
import type { CallRecord } from '../model/call-record.js';
import type { OfferRecord } from '../model/offer-record.js';
import type { QueueDayCounts } from '../model/queue-day.js';
import { callFromRow, offerFromRow } from './record-store.js';

export interface CallCursor {
  readonly startedAt: Date;
  readonly id: string;
}

export interface CallFilter {
  readonly from?: Date;
  readonly to?: Date;
  readonly queueId?: string;
  readonly agentId?: string;
  readonly outcome?: string;
  readonly caller?: string;
  readonly gatewayId?: string;
  readonly limit: number;
  /** Continue after this call (the previous page's last). */
  readonly after?: CallCursor;
}

export interface CallPage {
  readonly calls: readonly CallRecord[];
  /** Where the next page starts; absent on the last page. */
  readonly next?: CallCursor;
}

export async function listCalls(db: Db, f: CallFilter): Promise<CallPage> {
  let q = db.selectFrom('calls').selectAll();
  if (f.from !== undefined) q = q.where('started_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('started_at', '<', f.to);
  if (f.queueId !== undefined) q = q.where('queue_id', '=', f.queueId);
  if (f.agentId !== undefined) q = q.where('agent_id', '=', f.agentId);
  if (f.outcome !== undefined) q = q.where('outcome', '=', f.outcome);
  if (f.caller !== undefined) q = q.where('caller', '=', f.caller);
  if (f.gatewayId !== undefined) q = q.where('gateway_id', '=', f.gatewayId);
  const after = f.after;
  if (after !== undefined) {
    q = q.where((eb) =>
      eb.or([
        eb('started_at', '<', after.startedAt),
        eb.and([eb('started_at', '=', after.startedAt), eb('id', '<', after.id)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const calls = rows.slice(0, f.limit).map(callFromRow);
  const last = calls[calls.length - 1];
  return rows.length > f.limit && last
    ? { calls, next: { startedAt: last.startedAt, id: last.id } }
    : { calls };
}

export async function getCallWithOffers(
  db: Db,
  id: string,
): Promise<{ call: CallRecord; offers: OfferRecord[] } | undefined> {
  const row = await db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const offers = await db
    .selectFrom('call_offers')
    .selectAll()
    .where('call_id', '=', id)
    .orderBy('offered_at', 'asc')
    .orderBy('offer_id', 'asc')
    .execute();
  return { call: callFromRow(row), offers: offers.map(offerFromRow) };
}

/** Counts per queue of the calls started since `since` (queues without calls are absent). */
export async function queueDayCounts(
  db: Db,
  queueIds: readonly string[],
  since: Date,
  thresholdMs: (queueId: string) => number,
): Promise<Map<string, QueueDayCounts>> {
  if (queueIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('calls')
    .select((eb) => {
      let threshold = eb
        .case()
        .when('queue_id', '=', queueIds[0] ?? '')
        .then(thresholdMs(queueIds[0] ?? ''));
      for (const q of queueIds.slice(1)) threshold = threshold.when('queue_id', '=', q).then(thresholdMs(q));
      const answered = eb('answered_at', 'is not', null);
      return [
        'queue_id',
        eb.fn.countAll().as('offered'),
        eb.fn.count('answered_at').as('answered'),
        eb.fn.countAll().filterWhere('outcome', '=', 'abandoned').as('abandoned'),
        eb.fn.sum('wait_ms').filterWhere(answered).as('answered_wait_ms'),
        eb.fn
          .countAll()
          .filterWhere((w) => w.and([answered, w('wait_ms', '<=', threshold.else(0).end())]))
          .as('answered_within'),
      ];
    })
    .where('queue_id', 'in', queueIds)
    .where('started_at', '>=', since)
    .groupBy('queue_id')
    .execute();
  return new Map(
    rows.map((r) => [
      r.queue_id ?? '',
      {
        offered: Number(r.offered),
        answered: Number(r.answered),
        abandoned: Number(r.abandoned),
        answeredWaitMs: Number(r.answered_wait_ms ?? 0),
        answeredWithin: Number(r.answered_within),
      },
    ]),
  );
}
