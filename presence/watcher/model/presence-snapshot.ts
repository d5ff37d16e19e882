/**
 * The value the watcher emits for each accepted NOTIFY: what a presence document says about a
 * presentity, reduced to what routing needs, with no SIP types in it. Deciding whether that makes
 * an agent available is presence/policy's job, not this module's.
 */
import type { BasicStatus, PidfDocument, RpidActivity, RpidUserInput } from '../../codecs/pidf.js';

/** `unknown`: the document has no <basic> in any tuple, or the NOTIFY carried no document. */
export type PresenceBasic = BasicStatus | 'unknown';

export interface PresenceSnapshot {
  /** The watched presentity URI, as it was given to the watcher. */
  readonly uri: string;
  /** RFC 3863 §4.1.4, aggregated over the tuples (services): open if any is open. */
  readonly basic: PresenceBasic;
  /** RFC 4480 §3.2 registered activities of the person(s), in document order, without repeats. */
  readonly activities: readonly RpidActivity[];
  /** RFC 4480 §3.2 <other> activities (free text). */
  readonly otherActivities: readonly string[];
  /** RFC 4480 §3.13 user-input: true idle, false active, absent when the document says nothing. */
  readonly idle?: boolean;
  /** Wall-clock time (ms since the epoch, from the injected clock) the NOTIFY was processed. */
  readonly at: number;
  /**
   * The whole parsed document (a codec value, no SIP types), for decisions that need more than the
   * summary above — presence/policy/availability.ts reads activity windows and idle times from
   * it. Undefined when the NOTIFY carried no document.
   */
  readonly document?: PidfDocument;
}

function aggregateBasic(doc: PidfDocument): PresenceBasic {
  const values = doc.tuples.map((t) => t.basic);
  if (values.includes('open')) return 'open';
  if (values.includes('closed')) return 'closed';
  return 'unknown';
}

/**
 * RFC 4480 §3.13: "active" on any person, device or service means someone is at a device; the
 * presentity is idle only when every user-input present says idle (the same reading as
 * presence/policy/availability.ts). Undefined when the document has no user-input at all.
 */
function aggregateIdle(doc: PidfDocument): boolean | undefined {
  const inputs = [...doc.persons, ...doc.devices, ...doc.tuples].map((x) => x.userInput).filter(isDefined);
  if (inputs.length === 0) return undefined;
  return inputs.every((u) => u.value === 'idle');
}

function isDefined(u: RpidUserInput | undefined): u is RpidUserInput {
  return u !== undefined;
}

export function snapshotFromPidf(uri: string, doc: PidfDocument, at: number): PresenceSnapshot {
  const activities = new Set<RpidActivity>();
  const other = new Set<string>();
  for (const person of doc.persons) {
    for (const a of person.activities?.activities ?? []) activities.add(a);
    for (const o of person.activities?.other ?? []) other.add(o);
  }
  const idle = aggregateIdle(doc);
  return {
    uri,
    basic: aggregateBasic(doc),
    activities: [...activities],
    otherActivities: [...other],
    ...(idle !== undefined ? { idle } : {}),
    at,
    document: doc,
  };
}

/** A NOTIFY without a document while the subscription is active: the server knows no state. */
export function unknownSnapshot(uri: string, at: number): PresenceSnapshot {
  return { uri, basic: 'unknown', activities: [], otherActivities: [], at };
}
