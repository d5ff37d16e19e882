/**
 * One stream connection (TCP, TLS, WS, WSS; inbound or outbound) with its lifecycle:
 *
 *   connecting ──open──▶ open ──close()──▶ closing ──carrier gone──▶ closed
 *        └──────────── failure / close() / carrier gone ─────────────────▲
 *
 * The byte-level work (framing, WebSocket) lives in a Carrier adapter (socket-carrier.ts,
 * ws-carrier.ts). This class owns the state machine, the idle policy and the outbound write
 * backlog bound.
 *
 * Idle policy (RFC 5626 §4.4.1 leaves keepalive policy to the server). The connection is closed when
 * nothing complete (message, keepalive, send) happened for:
 *   - `idleTimeoutMs` (short) until the peer has delivered one complete SIP message: half-open
 *     connections, slow-loris senders and unfinished connects are cut early;
 *   - `establishedIdleTimeoutMs` (long) once it has: registered clients that send no keepalives
 *     keep their flow;
 *   - but a message that has started to arrive must be finished within `idleTimeoutMs` of its first
 *     byte, established or not (slow-loris on an established connection).
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
  /** Idle limit before the first complete message, and for finishing a partially received one. */
  idleTimeoutMs: number;
  /** Idle limit once a complete SIP message has been delivered (used as at least idleTimeoutMs). */
  establishedIdleTimeoutMs: number;
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
  /** A complete SIP message has been delivered on this connection. */
  #established = false;
  /** When the first byte of a not yet complete message arrived; undefined between messages. */
  #partialSinceMs: number | undefined;
  #idleTimer: TimerHandle | undefined;
  #idleDueMs = 0;
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

  /** True once a complete SIP message has been delivered (the long idle limit applies). */
  get established(): boolean {
    return this.#established;
  }

  /** Something complete arrived or was sent (a keepalive, a send): the connection is alive. */
  touch(): void {
    this.#lastActivityMs = this.#init.clock.now();
  }

  /**
   * A complete message arrived. `accepted`: it parsed and was handed up as SIP, which is what moves
   * the connection to the long idle limit; unparseable or dropped input only counts as activity.
   */
  messageReceived(accepted: boolean): void {
    this.touch();
    this.#partialSinceMs = undefined;
    if (accepted) this.#established = true;
  }

  /** The carrier reports, after each chunk, whether part of a message is waiting for the rest. */
  receiving(midMessage: boolean): void {
    if (!midMessage) {
      this.#partialSinceMs = undefined;
      return;
    }
    if (this.#partialSinceMs !== undefined) return;
    this.#partialSinceMs = this.#init.clock.now();
    // The deadline may just have moved earlier (established → partial): re-arm if the timer is late.
    if (this.#idleTimer && this.#idleDueMs > this.#deadlineMs()) {
      this.#idleTimer.cancel();
      this.#armIdle(this.#deadlineMs() - this.#init.clock.now());
    }
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
    // Only an idle WebSocket gets a polite close frame; everything else (a slow sender stuck in the
    // middle of a message included) is torn down at once.
    const polite = reason === 'idle' && this.#partialSinceMs === undefined;
    if (this.#carrier) this.#carrier.close(!polite);
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

  /** When the connection counts as idle, per the policy in the file comment. */
  #deadlineMs(): number {
    const { idleTimeoutMs, establishedIdleTimeoutMs } = this.#init;
    if (!this.#established) return this.#lastActivityMs + idleTimeoutMs;
    if (this.#partialSinceMs !== undefined) return this.#partialSinceMs + idleTimeoutMs;
    return this.#lastActivityMs + Math.max(idleTimeoutMs, establishedIdleTimeoutMs);
  }

  /** One timer per connection, re-armed for the remaining time instead of on every message. */
  #armIdle(delayMs: number): void {
    this.#idleDueMs = this.#init.clock.now() + delayMs;
    this.#idleTimer = this.#init.clock.setTimer(() => {
      this.#idleTimer = undefined;
      if (this.#state === 'closed' || this.#state === 'closing') return;
      const remaining = this.#deadlineMs() - this.#init.clock.now();
      if (remaining > 0) {
        this.#armIdle(remaining);
        return;
      }
      this.close(this.#state === 'connecting' ? 'connect-failed' : 'idle');
    }, delayMs);
  }
}
