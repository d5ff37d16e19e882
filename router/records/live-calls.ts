/**
 * The recorder's memory: per call, its row and its offers' rows as last written, and the events
 * not yet written. A call is due (to be written in the next batch) once its `call.ended` is seen,
 * or when a periodic or final flush marks every call with events waiting. A call whose events are
 * all written is forgotten once it has ended, or after `forgetIdleMs` without an event; an event
 * that comes later starts afresh (its rows are then reloaded by the write that loses to them).
 */
import type { CallRecord } from './model/call-record.js';
import type { OfferRecord } from './model/offer-record.js';
import { isOfferEvent } from './model/record-events.js';
import type { CallEvent, OfferEvent, RecordEvent } from './model/record-events.js';
import type { PendingRow } from './row-batch.js';
import { offerKey } from './store/record-store.js';

export interface LiveCall {
  readonly callId: string;
  readonly call: PendingRow<CallRecord, CallEvent>;
  readonly offers: Map<string, PendingRow<OfferRecord, OfferEvent>>;
  ended: boolean;
  lastEventAtMs: number;
}

export class LiveCalls {
  readonly #calls = new Map<string, LiveCall>();
  /** Calls to write next, in the order they became due. */
  readonly #due = new Set<LiveCall>();
  #pending = 0;

  /** Events waiting to be written. */
  get pending(): number {
    return this.#pending;
  }

  get size(): number {
    return this.#calls.size;
  }

  get dueCount(): number {
    return this.#due.size;
  }

  add(e: RecordEvent, nowMs: number): void {
    const live = this.#entry(e.data.callId);
    live.lastEventAtMs = nowMs;
    if (isOfferEvent(e)) this.#offer(live, e).pending.push(e);
    else live.call.pending.push(e);
    if (e.type === 'call.ended') live.ended = true;
    this.#pending += 1;
    if (live.ended) this.#due.add(live);
  }

  /** Marks every call with events waiting as due (periodic flush, stop). */
  markAllDue(): void {
    for (const live of this.#calls.values()) if (waiting(live) > 0) this.#due.add(live);
  }

  /** Takes up to `max` due calls out of the due set for one batch. */
  takeDue(max: number): LiveCall[] {
    const batch: LiveCall[] = [];
    for (const live of this.#due) {
      if (batch.length >= max) break;
      this.#due.delete(live);
      batch.push(live);
    }
    return batch;
  }

  /**
   * After a batch wrote `written` of its events: ended calls left with nothing to write are
   * forgotten; those with events that came during the write are due again.
   */
  settle(batch: readonly LiveCall[], written: number): void {
    this.#pending -= written;
    for (const live of batch) {
      if (waiting(live) === 0) {
        if (live.ended) this.#calls.delete(live.callId);
      } else if (live.ended) {
        this.#due.add(live);
      }
    }
  }

  /** A batch that failed: its calls are due again. */
  requeue(batch: readonly LiveCall[]): void {
    for (const live of batch) this.#due.add(live);
  }

  /** Forgets calls with nothing to write and no event since `olderThanMs`. */
  forgetIdle(olderThanMs: number): void {
    for (const live of this.#calls.values()) {
      if (waiting(live) === 0 && live.lastEventAtMs < olderThanMs) this.#calls.delete(live.callId);
    }
  }

  #entry(callId: string): LiveCall {
    let live = this.#calls.get(callId);
    if (live === undefined) {
      live = {
        callId,
        call: { key: callId, base: undefined, pending: [] },
        offers: new Map(),
        ended: false,
        lastEventAtMs: 0,
      };
      this.#calls.set(callId, live);
    }
    return live;
  }

  #offer(live: LiveCall, e: OfferEvent): PendingRow<OfferRecord, OfferEvent> {
    const key = offerKey(e.data.callId, e.data.offerId);
    let row = live.offers.get(key);
    if (row === undefined) {
      row = { key, base: undefined, pending: [] };
      live.offers.set(key, row);
    }
    return row;
  }
}

/** Events of the call (row and offers) not yet written. */
export function waiting(live: LiveCall): number {
  let n = live.call.pending.length;
  for (const o of live.offers.values()) n += o.pending.length;
  return n;
}
