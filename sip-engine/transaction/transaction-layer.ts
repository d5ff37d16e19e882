/**
 * The transaction layer (RFC 3261 §17): matches everything the transport receives to a client or
 * server transaction, creates server transactions for new requests, and starts client transactions
 * for the TU. Both tables are Maps keyed per §17.1.3 / §17.2.3, so every message costs O(1).
 *
 * What reaches the TU (events):
 * - `request`: a new request with its new server transaction; an ACK that matches no INVITE server
 *   transaction (a 2xx ACK, §17.2.3) or arrives while it is Accepted (RFC 6026 §8.7), with `txn`
 *   undefined. Retransmissions and ACKs for non-2xx responses are absorbed by their transaction.
 * - `cancel`: a new CANCEL with its own non-INVITE server transaction and the INVITE server
 *   transaction it targets, if any (§9.2).
 * - `strayResponse`: a response matching no client transaction.
 */
import type { SipMessage } from '../message/sip-message.js';
import type { InboundMessage, RemoteTarget, SendResult, TransportLayerApi } from '../transport/types.js';
import type { Clock } from '../util/clock.js';
import type {
  ClientTransaction,
  ClientTransactionHandlers,
  ServerTransaction,
  TransactionLayerApi,
  TransactionLayerEvents,
  TransactionTimersConfig,
} from './types.js';
import { ClientInviteTransaction } from './client-invite.js';
import { ClientNonInviteTransaction } from './client-non-invite.js';
import {
  DuplicateTransactionError,
  InvalidMessageError,
  TransactionConfigError,
  TransactionLayerStoppedError,
} from './errors.js';
import { cseqOf, topVia, type TopVia } from './header-fields.js';
import {
  callTu,
  silentLogger,
  type ClientTransactionInit,
  type ServerTransactionInit,
  type TransactionContext,
  type TransactionLogger,
} from './machine.js';
import { clientKey, legacyToTagMatches, serverKeys } from './matching.js';
import { responseTarget } from './response-target.js';
import { ServerInviteTransaction } from './server-invite.js';
import { ServerNonInviteTransaction } from './server-non-invite.js';

export interface TransactionLayerOptions {
  transport: Pick<TransportLayerApi, 'send'>;
  clock: Clock;
  timers: TransactionTimersConfig;
  logger?: TransactionLogger;
}

type AnyClient = ClientInviteTransaction | ClientNonInviteTransaction;
type AnyServer = ServerInviteTransaction | ServerNonInviteTransaction;
type Listeners = { [E in keyof TransactionLayerEvents]: TransactionLayerEvents[E][] };

function checkTimers(t: TransactionTimersConfig): void {
  for (const [name, v] of [
    ['t1Ms', t.t1Ms],
    ['t2Ms', t.t2Ms],
    ['t4Ms', t.t4Ms],
  ] as const) {
    if (!Number.isFinite(v) || v <= 0)
      throw new TransactionConfigError(`timers.${name} must be > 0, got ${v}`);
  }
}

export class TransactionLayer implements TransactionLayerApi {
  readonly #ctx: TransactionContext;
  readonly #clients = new Map<string, AnyClient>();
  readonly #servers = new Map<string, AnyServer>();
  readonly #listeners: Listeners = { request: [], cancel: [], strayResponse: [] };
  #stopped = false;

  constructor(opts: TransactionLayerOptions) {
    checkTimers(opts.timers);
    const { transport } = opts;
    this.#ctx = {
      send: (data, target) => transport.send(data, target),
      clock: opts.clock,
      timers: { ...opts.timers },
      logger: opts.logger ?? silentLogger,
    };
  }

  on<E extends keyof TransactionLayerEvents>(event: E, listener: TransactionLayerEvents[E]): void {
    (this.#listeners[event] as TransactionLayerEvents[E][]).push(listener);
  }

  get size(): { client: number; server: number } {
    return { client: this.#clients.size, server: this.#servers.size };
  }

  receive(inbound: InboundMessage): void {
    if (this.#stopped) return;
    if (inbound.message.isRequest) this.#receiveRequest(inbound);
    else this.#receiveResponse(inbound);
  }

  sendRequest(
    request: SipMessage,
    target: RemoteTarget,
    handlers: ClientTransactionHandlers,
  ): ClientTransaction {
    if (this.#stopped) throw new TransactionLayerStoppedError();
    if (!request.isRequest) throw new InvalidMessageError('sendRequest needs a request');
    // RFC 3261 §17.1.1.3 / §13.2.2.4: ACK never creates a client transaction.
    if (request.method === 'ACK') throw new InvalidMessageError('ACK is sent with sendStateless');
    const top = topVia(request);
    const key = clientKey(request);
    if (!top || key === undefined) throw new InvalidMessageError('the request needs a top Via with a branch');
    if (this.#clients.has(key)) throw new DuplicateTransactionError(key);
    const init: ClientTransactionInit = {
      ctx: this.#ctx,
      key,
      request,
      target,
      handlers,
      onTerminated: (txn) => this.#forgetClient(txn),
    };
    let txn: AnyClient;
    if (request.method === 'INVITE') {
      const cseq = cseqOf(request);
      if (!cseq) throw new InvalidMessageError('the INVITE needs a valid CSeq');
      txn = new ClientInviteTransaction(init, { topViaRaw: top.raw, cseq: cseq.seq });
    } else txn = new ClientNonInviteTransaction(init);
    this.#clients.set(key, txn);
    return txn;
  }

  sendStateless(message: SipMessage, target: RemoteTarget): Promise<SendResult> {
    if (this.#stopped) return Promise.reject(new TransactionLayerStoppedError());
    return this.#ctx.send(message.toBuffer(), target);
  }

  responseTarget(request: InboundMessage): RemoteTarget {
    return responseTarget(request);
  }

  /** Ends every transaction without sending anything more; later input is ignored. */
  stop(): void {
    this.#stopped = true;
    for (const t of [...this.#clients.values()]) t.abort();
    for (const t of [...this.#servers.values()]) t.abort();
    this.#clients.clear();
    this.#servers.clear();
  }

  /** RFC 3261 §17.1.3: branch + CSeq method; no match → the TU decides (stray 2xx, forwarding). */
  #receiveResponse(inbound: InboundMessage): void {
    const key = clientKey(inbound.message);
    const txn = key === undefined ? undefined : this.#clients.get(key);
    if (txn) return txn.receiveResponse(inbound);
    for (const l of this.#listeners.strayResponse)
      callTu(this.#ctx.logger, 'strayResponse', () => l(inbound));
  }

  #receiveRequest(inbound: InboundMessage): void {
    const msg = inbound.message;
    const top = topVia(msg);
    const keys = serverKeys(msg, top);
    if (!top || !keys) {
      this.#ctx.logger.warn(
        { method: msg.method, source: inbound.source },
        'request without a usable Via dropped',
      );
      return;
    }
    const existing =
      this.#findServer(keys.own, keys.legacy, msg) ?? this.#findServer(keys.alt, keys.legacy, msg);
    // A retransmission, or the ACK of an INVITE server transaction: the transaction absorbs it.
    if (existing) return existing.receiveRequest(inbound);
    // RFC 3261 §17.2.3: an ACK matching no INVITE transaction acknowledges a 2xx (dialog layer).
    if (msg.method === 'ACK') return this.#emitRequest(inbound, undefined);
    const txn = this.#createServer(keys.own, inbound, top);
    if (msg.method !== 'CANCEL') return this.#emitRequest(inbound, txn);
    // RFC 3261 §9.2: the CANCEL has its own transaction; the INVITE one is found with method INVITE.
    const target = this.#findServer(keys.invite, keys.legacy, msg);
    const invite = target instanceof ServerInviteTransaction ? target : undefined;
    for (const l of this.#listeners.cancel) callTu(this.#ctx.logger, 'cancel', () => l(inbound, txn, invite));
  }

  #findServer(key: string | undefined, legacy: boolean, msg: SipMessage): AnyServer | undefined {
    if (key === undefined) return undefined;
    const txn = this.#servers.get(key);
    if (!txn || !legacy) return txn;
    return legacyToTagMatches(msg, txn.request.message, txn.lastResponse) ? txn : undefined;
  }

  #createServer(key: string, inbound: InboundMessage, top: TopVia): AnyServer {
    const init: ServerTransactionInit = {
      ctx: this.#ctx,
      key,
      request: inbound,
      responseTarget: responseTarget(inbound, top),
      onTerminated: (txn) => this.#forgetServer(txn),
    };
    const txn =
      inbound.message.method === 'INVITE'
        ? new ServerInviteTransaction({ ...init, deliverAck: (ack) => this.#emitRequest(ack, undefined) })
        : new ServerNonInviteTransaction(init);
    this.#servers.set(key, txn);
    return txn;
  }

  #emitRequest(inbound: InboundMessage, txn: ServerTransaction | undefined): void {
    for (const l of this.#listeners.request) callTu(this.#ctx.logger, 'request', () => l(inbound, txn));
  }

  #forgetClient(txn: ClientTransaction): void {
    if (this.#clients.get(txn.key) === txn) this.#clients.delete(txn.key);
  }

  #forgetServer(txn: ServerTransaction): void {
    if (this.#servers.get(txn.key) === txn) this.#servers.delete(txn.key);
  }
}
