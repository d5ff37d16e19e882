/**
 * Expected wait for hold announcements, from the pace at which each queue's callers are answered
 * (pure; times passed in). A caller at position p waits about p answer intervals, the interval
 * being the mean gap between the queue's last answers within the window. Fewer than
 * `minAnswers` answers in the window: unknown (the announcement then gives the position only).
 */
export interface AnswerPaceOptions {
  /** Answers older than this are forgotten (default 15 min). */
  readonly windowMs?: number;
  /** Answers needed before a wait is given (default 3). */
  readonly minAnswers?: number;
}

export class AnswerPace {
  readonly #windowMs: number;
  readonly #minAnswers: number;
  readonly #answers = new Map<string, number[]>();

  constructor(opts: AnswerPaceOptions = {}) {
    this.#windowMs = opts.windowMs ?? 15 * 60_000;
    this.#minAnswers = Math.max(2, opts.minAnswers ?? 3);
  }

  answered(queueId: string, atMs: number): void {
    const list = this.#answers.get(queueId) ?? [];
    list.push(atMs);
    this.#answers.set(queueId, this.#recent(list, atMs));
  }

  /** Seconds a caller at `position` should expect to wait, or undefined without enough data. */
  expectedWaitS(queueId: string, position: number, nowMs: number): number | undefined {
    const list = this.#recent(this.#answers.get(queueId) ?? [], nowMs);
    this.#answers.set(queueId, list);
    const first = list[0];
    const last = list[list.length - 1];
    if (list.length < this.#minAnswers || first === undefined || last === undefined) return undefined;
    const gapMs = (last - first) / (list.length - 1);
    return Math.round((position * gapMs) / 1000);
  }

  #recent(list: number[], nowMs: number): number[] {
    return list.filter((t) => nowMs - t <= this.#windowMs).sort((a, b) => a - b);
  }
}
