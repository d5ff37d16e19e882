/**
 * A raw drachtio-protocol client for tests (spec §2.2–§2.4): sends exact frames (or arbitrary
 * bytes) to an admin port and collects the frames the server sends back, with deadlines.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { encodeFrame, FrameDecoder } from '../sip-engine/app/framing.js';
import { DeadlineError } from './wait.js';

/** A server→app frame split as drachtio-srf splits it (leader up to the first CR). */
export interface ReceivedFrame {
  payload: string;
  /** All leader tokens: [msgId, type, …]. */
  token: string[];
  /** Raw SIP after the first CRLF, if any. */
  sip: string | undefined;
}

interface Waiter {
  match: (f: ReceivedFrame) => boolean;
  resolve: (f: ReceivedFrame) => void;
}

export class WireClient {
  readonly socket: Socket;
  readonly frames: ReceivedFrame[] = [];
  readonly #decoder = new FrameDecoder({ maxFrameBytes: 64 * 1024 * 1024 });
  #waiters: Waiter[] = [];
  #closed: Promise<void>;
  #isClosed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    this.#closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('close', () => (this.#isClosed = true));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new WireClient(socket));
      });
    });
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Sends `<msgId>|<leader>[CRLF<sip>]` as one frame; returns the msgId. */
  send(leader: string, sip?: string, msgId: string = randomUUID()): string {
    const payload = sip === undefined ? `${msgId}|${leader}` : `${msgId}|${leader}\r\n${sip}`;
    this.socket.write(encodeFrame(payload));
    return msgId;
  }

  /** Writes bytes as they are and resolves once they are handed to the kernel. */
  writeRaw(bytes: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(bytes, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** Sends a command and waits for the `response` frame answering it. */
  async ask(leader: string, sip?: string, timeoutMs = 5000): Promise<ReceivedFrame> {
    const id = this.send(leader, sip);
    return this.next((f) => f.token[1] === 'response' && f.token[2] === id, timeoutMs);
  }

  /** The first received frame (already in or still to come) that `match` accepts; it is consumed. */
  next(match: (f: ReceivedFrame) => boolean = () => true, timeoutMs = 5000): Promise<ReceivedFrame> {
    const index = this.frames.findIndex(match);
    if (index >= 0) return Promise.resolve(this.frames.splice(index, 1)[0] as ReceivedFrame);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { match, resolve };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new DeadlineError('timed out waiting for a frame'));
      }, timeoutMs);
      waiter.resolve = (f) => {
        clearTimeout(timer);
        resolve(f);
      };
      this.#waiters.push(waiter);
    });
  }

  /** Resolves when the server has closed the connection, rejects at the deadline. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineError('timed out waiting for close')), timeoutMs);
    });
    try {
      await Promise.race([this.#closed, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes from our side and waits for the socket to be gone. */
  async close(): Promise<void> {
    this.socket.destroy();
    await this.#closed;
  }

  #onData(chunk: Buffer): void {
    const r = this.#decoder.push(chunk);
    for (const payload of r.frames) {
      const cr = payload.indexOf('\r');
      const frame: ReceivedFrame = {
        payload,
        token: (cr === -1 ? payload : payload.slice(0, cr)).split('|'),
        sip: cr === -1 ? undefined : payload.slice(cr + 2),
      };
      const waiter = this.#waiters.find((w) => w.match(frame));
      if (waiter) {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        waiter.resolve(frame);
      } else {
        this.frames.push(frame);
      }
    }
    if (!r.ok) this.socket.destroy(r.error);
  }
}
