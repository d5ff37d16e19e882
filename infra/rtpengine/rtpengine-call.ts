/**
 * One call's media on the rtpengine server chosen for it (the pool's pick, kept for every later
 * command). The call id given to rtpengine is ours; tags name the call's parties. A command that
 * times out takes the server out of the pool's rotation.
 */
import { RtpengineError } from './rtpengine-error.js';
import type { RtpenginePool } from './rtpengine-pool.js';
import type { RtpengineServer } from './rtpengine-server.js';

export class RtpengineCall {
  readonly callId: string;
  readonly #pool: RtpenginePool;
  readonly #server: RtpengineServer;

  constructor(pool: RtpenginePool, callId: string) {
    this.callId = callId;
    this.#pool = pool;
    this.#server = pool.pick(callId);
  }

  get server(): string {
    return this.#server.address;
  }

  offer(fromTag: string, sdp: string): Promise<string> {
    return this.#watch(this.#server.offer(this.callId, fromTag, sdp));
  }

  answer(fromTag: string, toTag: string, sdp: string): Promise<string> {
    return this.#watch(this.#server.answer(this.callId, fromTag, toTag, sdp));
  }

  play(tag: string, file: string, repeatTimes: number): Promise<{ durationMs: number }> {
    return this.#watch(this.#server.playMedia(this.callId, tag, file, repeatTimes));
  }

  stop(tag: string): Promise<void> {
    return this.#watch(this.#server.stopMedia(this.callId, tag));
  }

  block(tag: string): Promise<void> {
    return this.#watch(this.#server.blockMedia(this.callId, tag));
  }

  unblock(tag: string): Promise<void> {
    return this.#watch(this.#server.unblockMedia(this.callId, tag));
  }

  delete(): Promise<void> {
    return this.#watch(this.#server.delete(this.callId));
  }

  async #watch<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (err) {
      if (err instanceof RtpengineError && err.code === 'RTPENGINE_TIMEOUT')
        this.#pool.markDown(this.#server);
      throw err;
    }
  }
}
