/**
 * Byte-length framing of the drachtio application protocol (spec §2.2):
 *
 *   frame := length "#" payload      length = decimal count of the UTF-8 BYTES of payload
 *
 * There is no delimiter between frames: one TCP chunk may hold several frames, a part of one, or
 * end inside a multi-byte character. The decoder works on bytes and turns a payload into text only
 * once all of its bytes are in, so split characters come out whole.
 *
 * Lifecycle of a decoder: `length` (reading digits) → `payload` (collecting bytes) → `length` …;
 * any bad input moves it to `failed` for good, and the caller closes the connection.
 */

/** Default cap on one frame's payload (1 MiB). The C++ server caps app frames at 5 digits. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/** More digits than this before `#` is garbage whatever the cap (leading zeros included). */
const MAX_LENGTH_DIGITS = 16;
const HASH = 0x23;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

export type FramingErrorCode = 'bad-length' | 'frame-too-large';

/** The peer broke the framing rules; the connection cannot be resynchronised. */
export class FramingError extends Error {
  override readonly name = 'FramingError';
  readonly code: FramingErrorCode;

  constructor(code: FramingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** What one chunk yielded: the complete payloads, and the error if the stream went bad. */
export type DecodeResult =
  { ok: true; frames: string[] } | { ok: false; frames: string[]; error: FramingError };

export type DecoderState = 'length' | 'payload' | 'failed';

const NEXT_STATES: Record<DecoderState, readonly DecoderState[]> = {
  length: ['payload', 'failed'],
  payload: ['length', 'failed'],
  failed: [],
};

/** Encodes one payload as `<byteLength>#<payload>` (spec §2.2). */
export function encodeFrame(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}#`, 'latin1'), body]);
}

/** Incremental decoder for one connection's byte stream. */
export class FrameDecoder {
  readonly maxFrameBytes: number;
  #state: DecoderState = 'length';
  #length = 0;
  #digits = 0;
  #parts: Buffer[] = [];
  #have = 0;
  #error: FramingError | undefined;

  constructor(opts: { maxFrameBytes?: number } = {}) {
    this.maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  get state(): DecoderState {
    return this.#state;
  }

  /** Bytes held for the frame in progress (never more than maxFrameBytes). */
  get bufferedBytes(): number {
    return this.#have;
  }

  /** Feeds one chunk; returns every frame it completed, in order. */
  push(chunk: Buffer): DecodeResult {
    const frames: string[] = [];
    let pos = 0;
    while (this.#state !== 'failed' && pos < chunk.length) {
      pos = this.#state === 'length' ? this.#readLength(chunk, pos) : this.#readPayload(chunk, pos, frames);
    }
    if (this.#error) return { ok: false, frames, error: this.#error };
    return { ok: true, frames };
  }

  #transition(to: DecoderState): void {
    if (!NEXT_STATES[this.#state].includes(to)) {
      throw new Error(`FrameDecoder: illegal transition ${this.#state} -> ${to}`);
    }
    this.#state = to;
  }

  #fail(code: FramingErrorCode, message: string): number {
    this.#error = new FramingError(code, message);
    this.#parts = [];
    this.#have = 0;
    this.#transition('failed');
    return Number.MAX_SAFE_INTEGER;
  }

  /** Reads length digits up to `#`. Spec §2.2: any non-digit before `#` is a protocol error. */
  #readLength(chunk: Buffer, start: number): number {
    for (let pos = start; pos < chunk.length; pos++) {
      const byte = chunk[pos] ?? 0;
      if (byte === HASH) {
        if (this.#digits === 0 || this.#length === 0)
          return this.#fail('bad-length', 'empty or zero frame length');
        this.#transition('payload');
        return pos + 1;
      }
      if (byte < DIGIT_0 || byte > DIGIT_9) {
        return this.#fail('bad-length', `non-digit byte 0x${byte.toString(16)} in frame length`);
      }
      this.#length = this.#length * 10 + (byte - DIGIT_0);
      this.#digits++;
      if (this.#length > this.maxFrameBytes) {
        return this.#fail('frame-too-large', `frame length exceeds ${this.maxFrameBytes} bytes`);
      }
      if (this.#digits > MAX_LENGTH_DIGITS) return this.#fail('bad-length', 'too many length digits');
    }
    return chunk.length;
  }

  #readPayload(chunk: Buffer, start: number, frames: string[]): number {
    const take = Math.min(this.#length - this.#have, chunk.length - start);
    this.#parts.push(chunk.subarray(start, start + take));
    this.#have += take;
    if (this.#have === this.#length) {
      const whole = this.#parts.length === 1 ? this.#parts[0] : Buffer.concat(this.#parts, this.#have);
      frames.push(whole ? whole.toString('utf8') : '');
      this.#parts = [];
      this.#have = 0;
      this.#length = 0;
      this.#digits = 0;
      this.#transition('length');
    }
    return start + take;
  }
}
