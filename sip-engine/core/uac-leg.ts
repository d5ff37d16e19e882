/**
 * A request the engine sent for an app (or on its own) and its client transaction (spec §3.4).
 *
 *   calling ──▶ proceeding ──▶ accepted ──▶ terminated     (2xx to INVITE, then the app's ACK)
 *      │            └───────────────────┐
 *      └──────────────────────────────▶ completed ──▶ terminated   (any other final, 408/503 included)
 *
 * Kinds: `initial` (out of dialog, app's), `in-dialog` (app's), `engine` (the engine's own BYE or
 * session refresh: responses are not passed to any app).
 * CANCEL (RFC 3261 §9.1) is `held` until a provisional arrives, then `sent`.
 */
import type { AppConnection } from '../app/types.js';
import type { SipMessage } from '../message/sip-message.js';
import type { ClientTransaction, ClientTransactionHandlers } from '../transaction/types.js';
import type { InboundMessage, RemoteTarget } from '../transport/types.js';
import type { TimerHandle } from '../util/clock.js';
import type { Dialog } from './dialog.js';
import { transition } from './fsm.js';
import type { TransitionTable } from './fsm.js';

export type UacLegState = 'calling' | 'proceeding' | 'accepted' | 'completed' | 'terminated';
export type UacLegKind = 'initial' | 'in-dialog' | 'engine';
export type CancelState = 'none' | 'held' | 'sent';

const TABLE: TransitionTable<UacLegState> = {
  calling: ['proceeding', 'accepted', 'completed', 'terminated'],
  proceeding: ['proceeding', 'accepted', 'completed', 'terminated'],
  accepted: ['terminated'],
  completed: ['terminated'],
  terminated: [],
};

/** Where a leg's transaction events go (one shared object: no closure per leg). */
export interface UacEvents {
  response(leg: UacLeg, inbound: InboundMessage): void;
  /** Timer B/F (408) or a transport failure (503), RFC 3261 §8.1.3.1. */
  failure(leg: UacLeg, status: 408 | 503, error?: Error): void;
}

export class UacLeg implements ClientTransactionHandlers {
  readonly txnId: string;
  readonly request: SipMessage;
  readonly target: RemoteTarget;
  readonly kind: UacLegKind;
  readonly method: string;
  readonly app: AppConnection | undefined;
  /** §2.8: the dialog id every response carries ('' for requests outside INVITE/SUBSCRIBE/dialogs). */
  readonly dialogId: string;
  readonly events: UacEvents;
  state: UacLegState = 'calling';
  dialog: Dialog | undefined;
  txn: ClientTransaction | undefined;
  cancel: CancelState = 'none';
  heldCancel: SipMessage | undefined;
  /** Set while an accepted INVITE waits for the app's ACK. */
  ackTimer: TimerHandle | undefined;

  constructor(init: {
    txnId: string;
    request: SipMessage;
    target: RemoteTarget;
    kind: UacLegKind;
    app: AppConnection | undefined;
    dialogId: string;
    events: UacEvents;
    dialog?: Dialog;
  }) {
    this.txnId = init.txnId;
    this.request = init.request;
    this.target = init.target;
    this.kind = init.kind;
    this.method = init.request.method;
    this.app = init.app;
    this.dialogId = init.dialogId;
    this.events = init.events;
    this.dialog = init.dialog;
  }

  to(next: UacLegState): void {
    this.state = transition('uac-leg', TABLE, this.state, next);
  }

  get final(): boolean {
    return this.state === 'accepted' || this.state === 'completed' || this.state === 'terminated';
  }

  onResponse(response: InboundMessage): void {
    this.events.response(this, response);
  }

  onTimeout(): void {
    this.events.failure(this, 408);
  }

  onTransportError(error: Error): void {
    this.events.failure(this, 503, error);
  }
}

/** Legs by app-visible txn id, and initial INVITE/SUBSCRIBE legs by dialog id (§2.8). */
export class UacLegStore {
  readonly #byTxnId = new Map<string, UacLeg>();
  readonly #byDialogId = new Map<string, UacLeg>();

  get size(): number {
    return this.#byTxnId.size;
  }

  add(leg: UacLeg): void {
    this.#byTxnId.set(leg.txnId, leg);
    if (leg.kind === 'initial' && leg.dialogId) this.#byDialogId.set(leg.dialogId, leg);
  }

  get(txnId: string): UacLeg | undefined {
    return this.#byTxnId.get(txnId);
  }

  byDialogId(dialogId: string): UacLeg | undefined {
    return this.#byDialogId.get(dialogId);
  }

  remove(leg: UacLeg): void {
    if (this.#byTxnId.get(leg.txnId) === leg) this.#byTxnId.delete(leg.txnId);
    if (this.#byDialogId.get(leg.dialogId) === leg) this.#byDialogId.delete(leg.dialogId);
    leg.ackTimer?.cancel();
    leg.ackTimer = undefined;
  }
}
