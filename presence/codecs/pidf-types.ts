/**
 * The values the PIDF codec produces and consumes: RFC 3863 (PIDF) with the RFC 4479 data model
 * (person, device, service = tuple), RFC 4480 (RPID) activities and user-input, and RFC 4481
 * timed status. Timestamps are kept as the dateTime strings of the document (see date-time.ts).
 */

/** RFC 4480 §3.2: the registered activities; `other` carries free text and is kept apart. */
export const RPID_ACTIVITIES = [
  'appointment',
  'away',
  'breakfast',
  'busy',
  'dinner',
  'holiday',
  'in-transit',
  'looking-for-work',
  'lunch',
  'meal',
  'meeting',
  'on-the-phone',
  'performance',
  'permanent-absence',
  'playing',
  'presentation',
  'shopping',
  'sleeping',
  'spectator',
  'steering',
  'travel',
  'tv',
  'unknown',
  'vacation',
  'working',
  'worship',
] as const;

export type RpidActivity = (typeof RPID_ACTIVITIES)[number];

export function isRpidActivity(s: string): s is RpidActivity {
  return (RPID_ACTIVITIES as readonly string[]).includes(s);
}

/** RFC 3863 §4.1.6 <note> (also the RFC 4479 data-model and RPID notes): human-readable text with an optional language. */
export interface Note {
  readonly text: string;
  readonly lang?: string;
}

/** RFC 3863 §4.1.4 basic status. */
export type BasicStatus = 'open' | 'closed';

/** RFC 4480 §3.2 <activities>, with the §3.1 `from`/`until` validity interval. */
export interface RpidActivities {
  readonly id?: string;
  readonly from?: string;
  readonly until?: string;
  readonly notes: readonly Note[];
  /** Registered activities in document order. */
  readonly activities: readonly RpidActivity[];
  /** Texts of <other> activities (an RPID-namespace element not in §3.2 is kept here by name). */
  readonly other: readonly string[];
}

/** RFC 4480 §3.13 <user-input>: `idle-threshold` in seconds, `last-input` a dateTime. */
export interface RpidUserInput {
  readonly value: 'active' | 'idle';
  readonly id?: string;
  readonly idleThresholdS?: number;
  readonly lastInput?: string;
}

/** RFC 4481 §3 <timed-status>: a status that will hold (or held) over [from, until). */
export interface TimedStatus {
  readonly from: string;
  readonly until?: string;
  readonly basic: BasicStatus;
}

/** RFC 3863 §4.1.5 contact with its priority (a qvalue, 0..1). */
export interface PidfContact {
  readonly uri: string;
  readonly priority?: number;
}

/** RFC 3863 §4.1.2 <tuple>, which RFC 4479 §3.3 calls a service. */
export interface PidfTuple {
  readonly id: string;
  readonly basic?: BasicStatus;
  readonly contact?: PidfContact;
  readonly notes: readonly Note[];
  readonly timestamp?: string;
  /** RFC 4479 §3.4 <deviceID> inside a tuple: the device this service runs on. */
  readonly deviceId?: string;
  readonly userInput?: RpidUserInput;
  readonly timedStatus: readonly TimedStatus[];
}

/** RFC 4479 §3.2 person component. */
export interface PidfPerson {
  readonly id: string;
  readonly activities?: RpidActivities;
  readonly userInput?: RpidUserInput;
  readonly notes: readonly Note[];
  readonly timestamp?: string;
}

/** RFC 4479 §3.4 device component (its <deviceID> is a URN naming the device). */
export interface PidfDevice {
  readonly id: string;
  readonly deviceId?: string;
  readonly userInput?: RpidUserInput;
  readonly notes: readonly Note[];
  readonly timestamp?: string;
}

/** RFC 3863 §4.1 <presence>. */
export interface PidfDocument {
  readonly entity: string;
  readonly tuples: readonly PidfTuple[];
  readonly notes: readonly Note[];
  readonly persons: readonly PidfPerson[];
  readonly devices: readonly PidfDevice[];
}
