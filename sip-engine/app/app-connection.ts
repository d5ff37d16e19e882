/**
 * One app's connection to the admin port (spec §2.1 inbound mode): the socket, its frame decoder,
 * its tags and its lifecycle. Knows nothing about commands; the AppServer feeds it frames.
 *
 * Lifecycle (one transition function, illegal moves throw):
 *
 *   connected ──authenticate OK──▶ authenticated
 *       │                               │
 *       └──────── NO / error ───────▶ closing ──socket closed──▶ closed
 *   (either open state may also go straight to closed when the peer drops the socket)
 *
 * Output is batched: the frames written while the event loop handles one round of I/O are
 * gathered, in order, into one string and handed to the socket in a single write (the check phase
 * of the same loop iteration, or at once when the batch reaches FLUSH_BYTES). A close flushes the
 * batch first, so nothing written before it is lost or reordered.
 *
 * Bounds against a misbehaving app: a frame is at most maxFrameBytes (the decoder), an app that
 * does not read its socket is dropped once maxPendingWriteBytes are queued (the socket's buffer
 * plus the batch not yet written), a connection that has not authenticated within authTimeoutMs is
 * closed, and a closing socket whose peer never finishes is destroyed after closeGraceMs.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '../util/clock.js';
import { FrameDecoder } from './framing.js';
import type { FramingError } from './framing.js';
import type { AppConnection } from './types.js';

export type ConnectionState = 'connected' | 'authenticated' | 'closing' | 'closed';

const NEXT_STATES: Record<ConnectionState, readonly ConnectionState[]> = {
  connected: ['authenticated', 'closing', 'closed'],
  authenticated: ['closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

export class IllegalConnectionTransitionError extends Error {
  override readonly name = 'IllegalConnectionTransitionError';
  readonly code = 'illegal-transition';

  constructor(from: ConnectionState, to: ConnectionState) {
    super(`app connection cannot go from ${from} to ${to}`);
  }
}

/** A batch this large is written at once rather than at the end of the loop iteration. */
export const FLUSH_BYTES = 64 * 1024;

export interface ConnectionLimits {
  maxFrameBytes: number;
  maxPendingWriteBytes: number;
  authTimeoutMs: number;
  closeGraceMs: number;
}

export interface ConnectionEvents {
  /** A complete payload arrived (only while the connection is open). */
  frame(conn: AppClientConnection, payload: string): void;
  /** The byte stream broke the framing rules; the connection is already closing. */
  protocolError(conn: AppClientConnection, error: FramingError): void;
  /** Unauthenticated too long, or too much unread output; the connection is already closing. */
  dropped(conn: AppClientConnection, reason: string): void;
  /** The socket is gone (called exactly once). */
  closed(conn: AppClientConnection): void;
}

export class AppClientConnection implements AppConnection {
  readonly id = randomUUID();
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly #socket: Socket;
  readonly #decoder: FrameDecoder;
  readonly #limits: ConnectionLimits;
  readonly #clock: Clock;
  readonly #events: ConnectionEvents;
  #state: ConnectionState = 'connected';
  #tags: readonly string[] = [];
  #authTimer: TimerHandle | undefined;
  #graceTimer: TimerHandle | undefined;
  /** Framed output not yet handed to the socket (spec §2.2 frames, in write order). */
  #batch = '';
  #batchBytes = 0;
  #flushScheduled = false;
  readonly #flushSoon = (): void => {
    this.#flushScheduled = false;
    this.#flush();
  };

  constructor(socket: Socket, limits: ConnectionLimits, clock: Clock, events: ConnectionEvents) {
    this.#socket = socket;
    this.#limits = limits;
    this.#clock = clock;
    this.#events = events;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    this.#decoder = new FrameDecoder({ maxFrameBytes: limits.maxFrameBytes });
    this.#authTimer = clock.setTimer(() => this.#onAuthTimeout(), limits.authTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('close', () => this.#onClose());
    // Errors (ECONNRESET, EPIPE…) are followed by 'close'; a listener keeps them from throwing.
    socket.on('error', () => undefined);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get tags(): readonly string[] {
    return this.#tags;
  }

  get authenticated(): boolean {
    return this.#state === 'authenticated';
  }

  get open(): boolean {
    return this.#state === 'connected' || this.#state === 'authenticated';
  }

  /** Bytes written but not yet taken by the kernel, batch included (what a slow reader makes grow). */
  get pendingWriteBytes(): number {
    return this.#socket.writableLength + this.#batchBytes;
  }

  /** Marks the connection authenticated with its §2.3 tags. */
  authenticate(tags: readonly string[]): void {
    if (this.#state !== 'authenticated') this.#transition('authenticated');
    this.#tags = [...tags];
    this.#authTimer?.cancel();
    this.#authTimer = undefined;
  }

  /**
   * Writes one payload as a frame. False when the connection is no longer open (nothing is
   * written after close) or when the app has let too much output pile up (it is then dropped).
   */
  write(payload: string): boolean {
    if (!this.open || this.#socket.destroyed) return false;
    // Spec §2.2: `<byteLength>#<payload>`, the length in UTF-8 bytes.
    const length = Buffer.byteLength(payload, 'utf8');
    const header = `${length}#`;
    this.#batch += header + payload;
    this.#batchBytes += header.length + length;
    if (this.pendingWriteBytes > this.#limits.maxPendingWriteBytes) {
      this.#drop(`more than ${this.#limits.maxPendingWriteBytes} bytes of unread output`);
      return false;
    }
    if (this.#batchBytes >= FLUSH_BYTES) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flushSoon);
    }
    return true;
  }

  /** Half-closes after queued output is flushed (§5 item 2: NO closes the connection). */
  close(): void {
    if (!this.open) return;
    this.#transition('closing');
    this.#authTimer?.cancel();
    this.#flush();
    this.#socket.end();
    this.#graceTimer = this.#clock.setTimer(() => this.#socket.destroy(), this.#limits.closeGraceMs);
  }

  /** Drops the socket at once (unwritten output is discarded). */
  destroy(): void {
    if (this.open) this.#transition('closing');
    this.#discardBatch();
    this.#socket.destroy();
  }

  /** Hands the batch to the socket in one write; a connection already closed discards it. */
  #flush(): void {
    if (this.#batchBytes === 0) return;
    const data = this.#batch;
    this.#discardBatch();
    if (!this.#socket.destroyed && this.#state !== 'closed') this.#socket.write(data, 'utf8');
  }

  #discardBatch(): void {
    this.#batch = '';
    this.#batchBytes = 0;
  }

  #transition(to: ConnectionState): void {
    if (!NEXT_STATES[this.#state].includes(to)) throw new IllegalConnectionTransitionError(this.#state, to);
    this.#state = to;
  }

  #onData(chunk: Buffer): void {
    if (!this.open) return;
    const result = this.#decoder.push(chunk);
    for (const payload of result.frames) {
      if (!this.open) return;
      this.#events.frame(this, payload);
    }
    if (!result.ok && this.open) {
      this.destroy();
      this.#events.protocolError(this, result.error);
    }
  }

  #drop(reason: string): void {
    this.destroy();
    this.#events.dropped(this, reason);
  }

  #onAuthTimeout(): void {
    this.#authTimer = undefined;
    if (this.#state === 'connected') this.#drop(`not authenticated within ${this.#limits.authTimeoutMs} ms`);
  }

  #onClose(): void {
    if (this.#state === 'closed') return;
    this.#transition('closed');
    this.#discardBatch();
    this.#authTimer?.cancel();
    this.#graceTimer?.cancel();
    this.#events.closed(this);
  }
}
