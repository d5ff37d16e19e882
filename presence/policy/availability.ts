/**
 * Presence → availability: a pure, configurable decision over a parsed PIDF document (what the
 * agent's own devices published, or what an external presence server notified). The router feeds
 * the result into the agent state machine as a `presence-changed` event.
 *
 * Order of the checks (the first that applies gives the reason):
 *  1. basic status (RFC 3863 §4.1.4): every tuple closed → unavailable, reason "closed";
 *  2. RPID activities (RFC 4480 §3.2) that are in effect now (§3.1 from/until) and listed in the
 *     policy → unavailable, reason = the activity ("away", "on-the-phone", ..., "other");
 *  3. RPID user-input (RFC 4480 §3.13) idle for at least the policy's threshold → unavailable,
 *     reason "inactive" (the agent model turns this into not-ready "inactive").
 * `recheckAtMs` is the next instant the answer may change by itself (an activity window opening
 * or closing, idleness crossing the threshold): re-evaluate then, even without a new document.
 *
 * Time is wall-clock epoch milliseconds (documents carry wall-clock dateTimes): pass
 * `clock.wallNow().getTime()`.
 */
import { parseDateTime } from '../codecs/date-time.js';
import type { PidfDocument, RpidActivities, RpidActivity, RpidUserInput } from '../codecs/pidf-types.js';

export type PolicyActivity = RpidActivity | 'other';

export interface AvailabilityPolicy {
  /** Activities that make the agent unavailable (`other` matches any <other> activity). */
  readonly unavailableActivities: readonly PolicyActivity[];
  /** Whether basic=closed on every tuple makes the agent unavailable. */
  readonly closedIsUnavailable: boolean;
  /** The answer when nothing is known: no document, or no tuple with a basic status. */
  readonly whenUnknown: 'available' | 'unavailable';
  /** Idle (RPID user-input) for at least this long → "inactive". Undefined: idleness is ignored. */
  readonly idleThresholdMs?: number;
}

/** The default: closed, away, busy, on-the-phone, meeting, appointment, meal, vacation, sleeping. */
export const DEFAULT_UNAVAILABLE_ACTIVITIES: readonly PolicyActivity[] = Object.freeze([
  'away',
  'busy',
  'on-the-phone',
  'meeting',
  'appointment',
  'meal',
  'vacation',
  'sleeping',
]);

export const defaultAvailabilityPolicy: AvailabilityPolicy = Object.freeze({
  unavailableActivities: DEFAULT_UNAVAILABLE_ACTIVITIES,
  closedIsUnavailable: true,
  whenUnknown: 'available',
  idleThresholdMs: 10 * 60_000,
});

export interface PresenceAvailability {
  readonly available: boolean;
  /** Why unavailable: "closed", "unknown", an activity name, or "inactive". */
  readonly reason?: string;
  /** The next instant (epoch ms) at which this answer may change without a new document. */
  readonly recheckAtMs?: number;
}

export function presenceAvailability(
  doc: PidfDocument | undefined,
  nowMs: number,
  policy: AvailabilityPolicy = defaultAvailabilityPolicy,
): PresenceAvailability {
  const rechecks: number[] = [];
  const verdict = decide(doc, nowMs, policy, rechecks);
  const next = rechecks.filter((ms) => ms > nowMs).sort((a, b) => a - b)[0];
  return next === undefined ? verdict : { ...verdict, recheckAtMs: next };
}

function decide(
  doc: PidfDocument | undefined,
  nowMs: number,
  policy: AvailabilityPolicy,
  rechecks: number[],
): PresenceAvailability {
  const unknown: PresenceAvailability =
    policy.whenUnknown === 'available' ? { available: true } : { available: false, reason: 'unknown' };
  if (doc === undefined) return unknown;
  const basics = doc.tuples.flatMap((t) => (t.basic === undefined ? [] : [t.basic]));
  if (basics.length === 0 && policy.whenUnknown === 'unavailable') return unknown;
  if (basics.length > 0 && !basics.includes('open') && policy.closedIsUnavailable) {
    return { available: false, reason: 'closed' };
  }
  const activity = blockingActivity(doc, nowMs, policy, rechecks);
  if (activity !== undefined) return { available: false, reason: activity };
  if (isInactive(doc, nowMs, policy, rechecks)) return { available: false, reason: 'inactive' };
  return { available: true };
}

/** RFC 4480 §3.1: an element with from/until describes the interval [from, until). */
function inEffect(a: RpidActivities, nowMs: number, rechecks: number[]): boolean {
  const from = a.from === undefined ? undefined : parseDateTime(a.from);
  const until = a.until === undefined ? undefined : parseDateTime(a.until);
  if (from !== undefined) rechecks.push(from);
  if (until !== undefined) rechecks.push(until);
  return (from === undefined || from <= nowMs) && (until === undefined || nowMs < until);
}

function blockingActivity(
  doc: PidfDocument,
  nowMs: number,
  policy: AvailabilityPolicy,
  rechecks: number[],
): PolicyActivity | undefined {
  const blocking = new Set(policy.unavailableActivities);
  for (const person of doc.persons) {
    const a = person.activities;
    if (a === undefined) continue;
    const listed = a.activities.find((x) => blocking.has(x));
    const hit = listed ?? (a.other.length > 0 && blocking.has('other') ? 'other' : undefined);
    if (hit !== undefined && inEffect(a, nowMs, rechecks)) return hit;
  }
  return undefined;
}

/**
 * RFC 4480 §3.13: "active" anywhere (person, device or service) means someone is at a device.
 * Otherwise the least idle input decides: idle since `last-input`, or, without it, for at least
 * `idle-threshold` seconds. An idle input with neither attribute gives no duration and is ignored.
 */
function isInactive(
  doc: PidfDocument,
  nowMs: number,
  policy: AvailabilityPolicy,
  rechecks: number[],
): boolean {
  const threshold = policy.idleThresholdMs;
  if (threshold === undefined) return false;
  const inputs: RpidUserInput[] = [...doc.persons, ...doc.devices, ...doc.tuples].flatMap((x) =>
    x.userInput === undefined ? [] : [x.userInput],
  );
  if (inputs.length === 0 || inputs.some((u) => u.value === 'active')) return false;
  let leastIdleMs = Infinity;
  for (const u of inputs) {
    const last = u.lastInput === undefined ? undefined : parseDateTime(u.lastInput);
    if (last !== undefined) {
      rechecks.push(last + threshold);
      leastIdleMs = Math.min(leastIdleMs, Math.max(0, nowMs - last));
    } else if (u.idleThresholdS !== undefined) {
      leastIdleMs = Math.min(leastIdleMs, u.idleThresholdS * 1000);
    } else {
      return false;
    }
  }
  return leastIdleMs >= threshold;
}
