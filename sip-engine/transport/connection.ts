/**
 * One stream connection (TCP, TLS, WS, WSS; inbound or outbound) with its lifecycle:
 *
 *   connecting ──open──▶ open ──close()──▶ closing ──carrier gone──▶ closed
 *        └──────────── failure / close() / carrier gone ─────────────────▲
 *
 * The byte-level work (framing, WebSocket) lives in a Carrier adapter (socket-carrier.ts,
 * ws-carrier.ts). This class owns the state machine, the idle timer (RFC 5626 §4.4.1 leaves
 * keepalive policy to the server; we close connections that delivered nothing for `idleTimeoutMs`)
 * and the outbound write backlog bound.
 */
import type { SipProtocol } from '../message/types.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { TransportError } from './errors.js';
import type { LocalEndpoint } from './types.js';

export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed';

const ALLOWED: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  connecting: ['open', 'closing', 'closed'],
  open: ['closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

export type CloseReason =
  'idle' | 'garbage' | 'oversize' | 'backlog' | 'peer' | 'error' | 'stopped' | 'connect-failed';

/** What a connection needs from the thing that moves its bytes. */
export interface Carrier {
  /** Writes one serialized message (or keepalive); calls back once written or failed. */
  write(data: Buffer, done: (err?: Error) => void): void;
  /** Bytes queued but not yet handed to the OS. */
  readonly backlogBytes: number;
  /** Closes (a close frame for WebSocket unless `abort`); must end with Connection.carrierGone(). */
  close(abort: boolean): void;
}

export interface ConnectionInit {
  id: string;
  protocol: SipProtocol;
  direction: 'inbound' | 'outbound';
  remote: { address: string; port: number };
  local: LocalEndpoint;
  clock: Clock;
  idleTimeoutMs: number;
  /** Largest allowed write backlog before the peer is considered stuck. */
  maxBacklogBytes: number;
  onClosed(conn: Connection, reason: CloseReason): void;
}

export class Connection {
  readonly id: string;
  readonly protocol: SipProtocol;
  readonly direction: 'inbound' | 'outbound';
  readonly remote: { address: string; port: number };
  readonly local: LocalEndpoint;
  /** Resolves once open; rejects with TransportError('connect-failed') if it never opens. */
  readonly ready: Promise<void>;
  /** Resolves with the reason once the connection is closed. */
  readonly closed: Promise<CloseReason>;
  #settleClosed: ((reason: CloseReason) => void) | undefined;
  #state: ConnectionState;
  #carrier: Carrier | undefined;
  #closeReason: CloseReason = 'peer';
  #lastActivityMs: number;
  #idleTimer: TimerHandle | undefined;
  #settleReady: { resolve: () => void; reject: (e: Error) => void } | undefined;
  readonly #init: ConnectionInit;

  constructor(init: ConnectionInit) {
    this.#init = init;
    this.id = init.id;
    this.protocol = init.protocol;
    this.direction = init.direction;
    this.remote = init.remote;
    this.local = init.local;
    this.#state = init.direction === 'inbound' ? 'open' : 'connecting';
    this.#lastActivityMs = init.clock.now();
    this.ready = new Promise<void>((resolve, reject) => {
      this.#settleReady = { resolve, reject };
    });
    this.ready.catch(() => undefined); // observed by senders; never an unhandled rejection
    this.closed = new Promise<CloseReason>((resolve) => {
      this.#settleClosed = resolve;
    });
    if (this.#state === 'open') this.#settleReady?.resolve();
    if (this.#state === 'open') this.#settleReady = undefined;
    this.#armIdle(init.idleTimeoutMs);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get isUsable(): boolean {
    return this.#state === 'open' || this.#state === 'connecting';
  }

  #to(next: ConnectionState): void {
    if (!ALLOWED[this.#state].includes(next)) {
      throw new Error(`connection ${this.id}: illegal move ${this.#state} → ${next}`);
    }
    this.#state = next;
  }

  attach(carrier: Carrier): void {
    this.#carrier = carrier;
  }

  /** The outbound connection is established (TCP connect / TLS handshake / WS open). */
  opened(): void {
    if (this.#state !== 'connecting') return;
    this.#to('open');
    this.touch();
    this.#settleReady?.resolve();
    this.#settleReady = undefined;
  }

  /** Something complete arrived (a message or a keepalive): the connection is alive. */
  touch(): void {
    this.#lastActivityMs = this.#init.clock.now();
  }

  /** Writes data; rejects with TransportError('closed') when the connection is not open. */
  async send(data: Buffer): Promise<void> {
    await this.ready;
    const carrier = this.#carrier;
    if (this.#state !== 'open' || !carrier)
      throw new TransportError('closed', `connection ${this.id} is ${this.#state}`);
    if (carrier.backlogBytes + data.length > this.#init.maxBacklogBytes) {
      this.close('backlog');
      throw new TransportError('closed', `connection ${this.id}: peer is not reading (write backlog full)`);
    }
    this.touch();
    await new Promise<void>((resolve, reject) => {
      carrier.write(data, (err) =>
        err ? reject(new TransportError('closed', `write on ${this.id} failed`, { cause: err })) : resolve(),
      );
    });
  }

  /** Starts closing; `onClosed` fires once the carrier is gone. */
  close(reason: CloseReason): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#closeReason = reason;
    if (this.#state === 'connecting') this.#failReady(undefined);
    this.#to('closing');
    // Only an idle WebSocket gets a polite close frame; everything else is torn down at once.
    if (this.#carrier) this.#carrier.close(reason !== 'idle');
    else this.carrierGone();
  }

  /** Called by the carrier when the underlying socket is gone (for any reason). */
  carrierGone(error?: Error): void {
    if (this.#state === 'closed') return;
    if (this.#state === 'connecting') {
      this.#closeReason = 'connect-failed';
      this.#failReady(error);
    } else if (this.#state === 'open' && error) {
      this.#closeReason = 'error';
    }
    this.#to('closed');
    this.#idleTimer?.cancel();
    this.#idleTimer = undefined;
    this.#init.onClosed(this, this.#closeReason);
    this.#settleClosed?.(this.#closeReason);
  }

  #failReady(cause: Error | undefined): void {
    this.#settleReady?.reject(new TransportError('connect-failed', `connect ${this.id} failed`, { cause }));
    this.#settleReady = undefined;
  }

  /** One timer per connection, re-armed for the remaining time instead of on every message. */
  #armIdle(delayMs: number): void {
    this.#idleTimer = this.#init.clock.setTimer(() => {
      if (this.#state === 'closed' || this.#state === 'closing') return;
      const idleMs = this.#init.clock.now() - this.#lastActivityMs;
      const remaining = this.#init.idleTimeoutMs - idleMs;
      if (remaining > 0) {
        this.#armIdle(remaining);
        return;
      }
      this.close(this.#state === 'connecting' ? 'connect-failed' : 'idle');
    }, delayMs);
  }
}
