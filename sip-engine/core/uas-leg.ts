/**
 * A request from the network that an app has to answer (spec §3.2 step 7, §3.3, §3.5): the
 * drachtio "pending request", keyed by the transaction id the app sees.
 *
 *   pending ──▶ proceeding ──▶ accepted ──▶ completed      (2xx to INVITE, then ACK / timeout)
 *      │            │   └──────────────────▶ completed      (final non-2xx, or any final to non-INVITE)
 *      │            └──▶ canceled                           (CANCEL, §3.3)
 *      ├──▶ proxied                                         (handed to the proxy core, §3.8)
 *      └──▶ forgotten                                       (no app answer in 64 s, §3.2)
 *
 * Kinds: `initial` (out of dialog), `in-dialog`, and `early-update` (an UPDATE in an early dialog,
 * delivered with the INVITE's id, §2.8; hangs off its INVITE leg, not the store).
 */
import type { AppConnection } from '../app/types.js';
import type { InboundMessage, RemoteTarget } from '../transport/types.js';
import type { ServerTransaction, TransactionLayerApi } from '../transaction/types.js';
import type { TimerHandle } from '../util/clock.js';
import type { Dialog } from './dialog.js';
import { transition } from './fsm.js';
import type { TransitionTable } from './fsm.js';
import { makeDialogId } from './ids.js';

export type UasLegState =
  'pending' | 'proceeding' | 'accepted' | 'completed' | 'canceled' | 'proxied' | 'forgotten';
export type UasLegKind = 'initial' | 'in-dialog' | 'early-update';

const TABLE: TransitionTable<UasLegState> = {
  pending: ['proceeding', 'accepted', 'completed', 'canceled', 'proxied', 'forgotten'],
  proceeding: ['proceeding', 'accepted', 'completed', 'canceled', 'forgotten'],
  accepted: ['completed'],
  completed: [],
  canceled: [],
  proxied: [],
  forgotten: [],
};

/** RFC 3262 §3: a reliable provisional response being retransmitted until its PRACK. */
export interface ReliableProvisional {
  rseq: number;
  intervalMs: number;
  timer: TimerHandle | undefined;
  giveUp: TimerHandle;
}

export class UasLeg {
  readonly txnId: string;
  readonly inbound: InboundMessage;
  readonly txn: ServerTransaction;
  readonly kind: UasLegKind;
  readonly method: string;
  readonly callId: string;
  /** From tag of the request ('' when absent). */
  readonly fromTag: string;
  readonly cseq: number;
  readonly app: AppConnection;
  state: UasLegState = 'pending';
  /** Our To tag, fixed by the first response that carries one (§2.7 last rule). */
  localTag: string | undefined;
  dialog: Dialog | undefined;
  forget: TimerHandle | undefined;
  reliable: ReliableProvisional | undefined;
  /** RFC 3262 §3: last RSeq used on this leg. */
  lastRseq = 0;
  /** An UPDATE in the early dialog waiting for the app (its txn), §2.8. */
  earlyUpdate: UasLeg | undefined;
  /** Where responses to the request go (RFC 3261 §18.2.2), worked out once (see responseTargetOf). */
  responseTarget: RemoteTarget | undefined;

  constructor(init: {
    txnId: string;
    inbound: InboundMessage;
    txn: ServerTransaction;
    kind: UasLegKind;
    callId: string;
    fromTag: string;
    cseq: number;
    app: AppConnection;
    dialog?: Dialog;
  }) {
    this.txnId = init.txnId;
    this.inbound = init.inbound;
    this.txn = init.txn;
    this.kind = init.kind;
    this.method = init.inbound.message.method;
    this.callId = init.callId;
    this.fromTag = init.fromTag;
    this.cseq = init.cseq;
    this.app = init.app;
    this.dialog = init.dialog;
  }

  to(next: UasLegState): void {
    this.state = transition('uas-leg', TABLE, this.state, next);
  }

  /** Still waiting for the app's final response. */
  get open(): boolean {
    return this.state === 'pending' || this.state === 'proceeding';
  }

  /** §2.8: dialog id shown to the app; empty for requests that cannot create a dialog. */
  get dialogId(): string {
    if (this.dialog) return this.dialog.id;
    if (this.kind === 'initial' && (this.method === 'INVITE' || this.method === 'SUBSCRIBE')) {
      return makeDialogId(this.callId, this.fromTag);
    }
    return '';
  }

  stopTimers(): void {
    this.forget?.cancel();
    this.forget = undefined;
    if (this.reliable) {
      this.reliable.timer?.cancel();
      this.reliable.giveUp.cancel();
      this.reliable = undefined;
    }
  }
}

/**
 * RFC 3261 §18.2.2, RFC 3581 §4: where the leg's responses go, from the request's top Via and
 * source, worked out on the first response and kept (the echo to the app and the 2xx
 * retransmissions use the same one).
 */
export function responseTargetOf(transactions: TransactionLayerApi, leg: UasLeg): RemoteTarget {
  leg.responseTarget ??= transactions.responseTarget(leg.inbound);
  return leg.responseTarget;
}

/**
 * The pending-request store: by app-visible txn id, and by server transaction (for CANCEL). Both
 * indexes drop a leg when it leaves the store: a CANCEL for a request already answered finds no
 * leg and gets 481 (RFC 3261 §9.2), the same answer a completed leg would give.
 */
export class UasLegStore {
  readonly #byTxnId = new Map<string, UasLeg>();
  readonly #byTxn = new Map<ServerTransaction, UasLeg>();

  get size(): number {
    return this.#byTxnId.size;
  }

  add(leg: UasLeg): void {
    this.#byTxnId.set(leg.txnId, leg);
    this.#byTxn.set(leg.txn, leg);
  }

  get(txnId: string): UasLeg | undefined {
    return this.#byTxnId.get(txnId);
  }

  /** The leg of a server transaction while it is in the store (CANCEL after 200 before the ACK, §3.3). */
  byTransaction(txn: ServerTransaction): UasLeg | undefined {
    return this.#byTxn.get(txn);
  }

  remove(leg: UasLeg): void {
    if (this.#byTxnId.get(leg.txnId) === leg) this.#byTxnId.delete(leg.txnId);
    if (this.#byTxn.get(leg.txn) === leg) this.#byTxn.delete(leg.txn);
    leg.stopTimers();
  }

  values(): IterableIterator<UasLeg> {
    return this.#byTxnId.values();
  }
}
