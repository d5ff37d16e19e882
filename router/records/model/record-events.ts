/**
 * The call events the records consume, as plain values (the payloads of `infra/bus/call-events.ts`,
 * already validated by the bus). No I/O; times are ISO-8601 strings as published.
 */
import { CALL_OUTCOMES, OFFER_OUTCOMES } from '../../../infra/bus/call-events.js';
import type { EventData } from '../../../infra/bus/catalogue.js';

export type CallOutcome = (typeof CALL_OUTCOMES)[number];
export type OfferOutcome = (typeof OFFER_OUTCOMES)[number];
export type HungUpBy = 'caller' | 'agent' | 'system';
const HUNG_UP_BY: readonly HungUpBy[] = ['caller', 'agent', 'system'];

/** The catalogue's payload with its string enumerations narrowed to their literal unions. */
type Narrowed<T, K extends keyof T, V> = Omit<T, K> & {
  readonly [P in K]: undefined extends T[P] ? V | undefined : V;
};
export type CallEndedData = Omit<Narrowed<EventData<'callEnded'>, 'outcome', CallOutcome>, 'hungUpBy'> & {
  readonly hungUpBy?: HungUpBy;
};
export type OfferEndedData = Narrowed<EventData<'callOfferEnded'>, 'outcome', OfferOutcome>;

export type RecordEvent =
  | { readonly type: 'call.arrived'; readonly data: EventData<'callArrived'> }
  | { readonly type: 'call.queued'; readonly data: EventData<'callQueued'> }
  | { readonly type: 'call.offered'; readonly data: EventData<'callOffered'> }
  | { readonly type: 'call.offer-ended'; readonly data: OfferEndedData }
  | { readonly type: 'call.answered'; readonly data: EventData<'callAnswered'> }
  | { readonly type: 'call.overflowed'; readonly data: EventData<'callOverflowed'> }
  | { readonly type: 'call.ended'; readonly data: CallEndedData };

export type CallEvent = Exclude<RecordEvent, { type: 'call.offered' | 'call.offer-ended' }>;
export type OfferEvent = Extract<RecordEvent, { type: 'call.offered' | 'call.offer-ended' }>;

export const RECORD_EVENT_TYPES: readonly RecordEvent['type'][] = [
  'call.arrived',
  'call.queued',
  'call.offered',
  'call.offer-ended',
  'call.answered',
  'call.overflowed',
  'call.ended',
];

/**
 * The event as a RecordEvent when `type` is one the records consume and its enumerations are known
 * to this build (the bus has checked the rest of the payload against the catalogue).
 */
export function toRecordEvent(type: string, data: unknown): RecordEvent | undefined {
  if (!(RECORD_EVENT_TYPES as readonly string[]).includes(type)) return undefined;
  const d = data as { outcome?: unknown; hungUpBy?: unknown };
  if (type === 'call.ended') {
    if (!(CALL_OUTCOMES as readonly unknown[]).includes(d.outcome)) return undefined;
    if (d.hungUpBy !== undefined && !(HUNG_UP_BY as readonly unknown[]).includes(d.hungUpBy))
      return undefined;
  }
  if (type === 'call.offer-ended' && !(OFFER_OUTCOMES as readonly unknown[]).includes(d.outcome)) {
    return undefined;
  }
  return { type, data } as RecordEvent;
}

export function isOfferEvent(e: RecordEvent): e is OfferEvent {
  return e.type === 'call.offered' || e.type === 'call.offer-ended';
}
