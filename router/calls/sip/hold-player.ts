/**
 * Plays the hold program of one queued caller through the media server ({@link MediaCall}): the
 * music looped, and every `announceEveryMs` the caller's position and expected wait
 * (`../policy/hold-announcement.ts`) as prompts one after another — each next prompt when the
 * previous one's duration (rtpengine's reply) has elapsed — then the music again. The state machine
 * is `../model/hold-program.ts`; time from the injected clock. Media errors are logged and leave the
 * caller with whatever was playing (never a failed call).
 */
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../../../sip-engine/util/clock.js';
import type { CallLog } from '../call-ports.js';
import { newHoldProgram, transitionHold } from '../model/hold-program.js';
import type { HoldEvent, HoldProgram } from '../model/hold-program.js';
import { announcementPrompts } from '../policy/hold-announcement.js';
import type { WaitInfo } from '../policy/hold-announcement.js';
import { CALLER_TAG } from './media-call.js';
import type { MediaCall } from './media-call.js';

/** rtpengine's repeat count for the music; a new play (prompt) or stop ends it sooner. */
const MUSIC_REPEATS = 10_000;

export interface HoldPlayerDeps {
  readonly media: MediaCall;
  readonly mediaDir: string;
  readonly announceEveryMs: number;
  readonly waitOf: () => WaitInfo | undefined;
  readonly clock: Clock;
  readonly log: CallLog;
  readonly callId: string;
}

export class HoldPlayer {
  readonly #d: HoldPlayerDeps;
  #program: HoldProgram = newHoldProgram();
  #timer: TimerHandle | undefined;

  constructor(deps: HoldPlayerDeps) {
    this.#d = deps;
  }

  get state(): HoldProgram['state'] {
    return this.#program.state;
  }

  start(): Promise<void> {
    return this.#music();
  }

  /** Stops playing (agent answered, caller gone). Idempotent. */
  async stop(): Promise<void> {
    if (!this.#move({ type: 'stop' })) return;
    this.#timer?.cancel();
    await this.#d.media.stop(CALLER_TAG).catch((err: unknown) => this.#warn(err, 'stop media'));
  }

  #move(e: HoldEvent): boolean {
    const r = transitionHold(this.#program, e);
    if (r.ok) this.#program = r.program;
    return r.ok;
  }

  async #music(): Promise<void> {
    if (!this.#move({ type: 'music' })) return;
    await this.#play('hold-music', MUSIC_REPEATS);
    this.#arm();
  }

  /** The next announcement, while the music plays. */
  #arm(): void {
    if (this.#program.state !== 'music' || this.#d.announceEveryMs <= 0) return;
    this.#timer = this.#d.clock.setTimer(() => void this.#announce(), this.#d.announceEveryMs);
  }

  async #announce(): Promise<void> {
    const info = this.#d.waitOf();
    const prompts = info ? announcementPrompts(info) : [];
    if (prompts.length === 0 || !this.#move({ type: 'announce', prompts })) return this.#arm();
    this.#d.log.info({ callId: this.#d.callId, ...info, prompts }, 'hold announcement');
    await this.#playPrompt();
  }

  async #playPrompt(): Promise<void> {
    const name = this.#program.queue[0];
    if (this.#program.state !== 'announcing' || name === undefined) return;
    const durationMs = await this.#play(name, 1);
    if (this.#program.state !== 'announcing') return;
    this.#timer = this.#d.clock.setTimer(() => {
      if (this.#move({ type: 'prompt' })) void this.#playPrompt();
      else void this.#music();
    }, durationMs);
  }

  /** Plays one file; resolves with its duration (0 when the media server failed). */
  async #play(name: string, repeatTimes: number): Promise<number> {
    try {
      const r = await this.#d.media.play(CALLER_TAG, join(this.#d.mediaDir, `${name}.wav`), repeatTimes);
      return r.durationMs;
    } catch (err) {
      this.#warn(err, `play ${name}`);
      return 0;
    }
  }

  #warn(err: unknown, what: string): void {
    this.#d.log.warn({ callId: this.#d.callId, err: String(err) }, `hold media: ${what} failed`);
  }
}
