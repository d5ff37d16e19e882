/**
 * When a closed queue opens next, from its opening hours (router/queues/model/opening-hours.ts):
 * the first whole minute within `horizonDays` at which `isOpen` turns true. Hours are written to
 * the minute, so minute steps find every opening; a week (plus holidays) bounds the search.
 */
import { isOpen } from '../../../router/queues/model/opening-hours.js';
import type { DeepReadonly } from '../../../config/schema.js';
import type { OpeningHoursData } from '../../../router/queues/model/queue-schema.js';

const MINUTE_MS = 60_000;

/** Epoch ms of the next opening after `nowMs`, or undefined (no hours: always open; or none found). */
export function nextOpening(
  readonlyHours: DeepReadonly<OpeningHoursData> | undefined,
  nowMs: number,
  horizonDays = 15,
): number | undefined {
  // isOpen only reads its argument; its type is the mutable schema type.
  const hours = readonlyHours as OpeningHoursData | undefined;
  if (hours === undefined || hours.weekly.length === 0) return undefined;
  const start = Math.ceil((nowMs + 1) / MINUTE_MS) * MINUTE_MS;
  const end = nowMs + horizonDays * 24 * 60 * MINUTE_MS;
  for (let t = start; t <= end; t += MINUTE_MS) if (isOpen(hours, t)) return t;
  return undefined;
}
