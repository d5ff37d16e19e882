/**
 * Opening hours: is a queue open at an instant? Pure: the instant is passed in (from the injected
 * clock); the local wall time comes from `Intl.DateTimeFormat` in the queue's IANA time zone, so
 * daylight-saving changes follow the platform's tz database.
 *
 * A range whose `close` is at or before its `open` runs past midnight (22:00-06:00): the early
 * hours belong to the range of the previous weekday. A holiday closes its whole local date,
 * including the early hours of a range that started the evening before.
 */
import { WEEKDAYS } from './queue-schema.js';
import type { OpeningHoursData, Weekday } from './queue-schema.js';

export class InvalidTimeZoneError extends Error {
  override readonly name = 'InvalidTimeZoneError';
  readonly code = 'invalid-time-zone';
  readonly timeZone: string;

  constructor(timeZone: string, options?: { cause?: unknown }) {
    super(`unknown IANA time zone '${timeZone}'`, options);
    this.timeZone = timeZone;
  }
}

export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  readonly date: string;
  readonly weekday: Weekday;
  /** Minutes since local midnight, 0-1439. */
  readonly minute: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
      });
    } catch (err) {
      throw new InvalidTimeZoneError(timeZone, { cause: err });
    }
    formats.set(timeZone, f);
  }
  return f;
}

/** Throws InvalidTimeZoneError: call when a queue spec is accepted, not while routing. */
export function assertTimeZone(timeZone: string): void {
  formatFor(timeZone);
}

export function localTime(nowMs: number, timeZone: string): LocalTime {
  const parts = new Map(
    formatFor(timeZone)
      .formatToParts(new Date(nowMs))
      .map((p) => [p.type, p.value]),
  );
  const weekday = (parts.get('weekday') ?? '').toLowerCase().slice(0, 3);
  const day = WEEKDAYS.find((d) => d === weekday);
  if (day === undefined) throw new InvalidTimeZoneError(timeZone, { cause: `weekday '${weekday}'` });
  const hour = Number(parts.get('hour'));
  const minute = Number(parts.get('minute'));
  return {
    date: `${parts.get('year')}-${parts.get('month')}-${parts.get('day')}`,
    weekday: day,
    minute: hour * 60 + minute,
  };
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function previous(day: Weekday): Weekday {
  const i = WEEKDAYS.indexOf(day);
  return WEEKDAYS[(i + 6) % 7] ?? day;
}

/** True when the queue takes calls at `nowMs`; no `hours` means always open. */
export function isOpen(hours: OpeningHoursData | undefined, nowMs: number): boolean {
  if (hours === undefined) return true;
  const local = localTime(nowMs, hours.timeZone);
  if (hours.holidays.includes(local.date)) return false;
  const yesterday = previous(local.weekday);
  return hours.weekly.some((r) => {
    const open = minutes(r.open);
    const close = minutes(r.close);
    if (close > open) return r.days.includes(local.weekday) && local.minute >= open && local.minute < close;
    // Past midnight: the evening part today, the early part from yesterday's range.
    return (
      (r.days.includes(local.weekday) && local.minute >= open) ||
      (r.days.includes(yesterday) && local.minute < close)
    );
  });
}
