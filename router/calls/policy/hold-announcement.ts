/**
 * What a queued caller hears at each announcement (pure): prompt names from `../media/`, played
 * one after another. Position 1…10 is read out, beyond that "more than ten callers ahead"; the
 * expected wait in whole minutes (rounded up) 1…10, "less than a minute" below 60 s, "more than
 * ten minutes" beyond; no wait sentence when the wait is unknown.
 */
export interface WaitInfo {
  /** 1 = next to be served. */
  readonly position: number;
  readonly expectedWaitS?: number;
}

const MAX_SPOKEN = 10;

export function announcementPrompts(w: WaitInfo): string[] {
  const out: string[] = [];
  if (w.position >= 1 && w.position <= MAX_SPOKEN)
    out.push('you-are-number', `n${w.position}`, 'in-the-queue');
  else if (w.position > MAX_SPOKEN) out.push('many-callers-ahead');
  const s = w.expectedWaitS;
  if (s === undefined || !Number.isFinite(s) || s < 0) return out;
  if (s < 60) return [...out, 'wait-less-than-a-minute'];
  const minutes = Math.ceil(s / 60);
  if (minutes > MAX_SPOKEN) return [...out, 'wait-more-than-ten-minutes'];
  return [...out, 'wait-about', `n${minutes}`, minutes === 1 ? 'minute' : 'minutes'];
}
