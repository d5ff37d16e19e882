/**
 * Today's figures of a queue and the start of "today" in a time zone. Pure.
 *
 * Service level = calls answered within the threshold / (answered + abandoned), the same
 * definition as the `patchbay_queue_service_level_calls_total` metric; null when no call counts.
 */

export interface QueueDayCounts {
  /** Calls that joined the queue since the start of the day. */
  readonly offered: number;
  readonly answered: number;
  readonly abandoned: number;
  /** Sum of the waits of the answered calls (ms). */
  readonly answeredWaitMs: number;
  readonly answeredWithin: number;
}

export const NO_CALLS: QueueDayCounts = {
  offered: 0,
  answered: 0,
  abandoned: 0,
  answeredWaitMs: 0,
  answeredWithin: 0,
};

export interface QueueDayFigures extends QueueDayCounts {
  /** Average speed of answer (ms), null when nothing was answered. */
  readonly asaMs: number | null;
  readonly serviceLevel: number | null;
}

export function dayFigures(c: QueueDayCounts): QueueDayFigures {
  const counted = c.answered + c.abandoned;
  return {
    ...c,
    asaMs: c.answered === 0 ? null : Math.round(c.answeredWaitMs / c.answered),
    serviceLevel: counted === 0 ? null : c.answeredWithin / counted,
  };
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * The instant local midnight began in `timeZone` on the day containing `nowMs` (a DST change at
 * midnight, which few zones have, shifts it by the change).
 */
export function startOfLocalDay(nowMs: number, timeZone: string): Date {
  let f = formats.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, f);
  }
  const parts = new Map(f.formatToParts(new Date(nowMs)).map((p) => [p.type, Number(p.value)]));
  const sinceMidnightS =
    (parts.get('hour') ?? 0) * 3600 + (parts.get('minute') ?? 0) * 60 + (parts.get('second') ?? 0);
  const ms = ((nowMs % 1000) + 1000) % 1000;
  return new Date(nowMs - sinceMidnightS * 1000 - ms);
}
