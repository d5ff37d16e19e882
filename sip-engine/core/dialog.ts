/**
 * One SIP dialog (RFC 3261 §12) as drachtio keeps it for an app: identity and id (spec §2.8), the
 * route set and remote target used to build in-dialog requests (§12.2.1.1), CSeq counters, the
 * owning app, and the transient jobs that hang off it (2xx retransmission, kept ACK, re-INVITE in
 * progress, session timer). Transient jobs are small objects set while active, so an idle
 * confirmed dialog holds only strings and numbers.
 *
 *   early ──▶ confirmed ──▶ terminated
 *     └──────────────────────▲
 */
import type { AppConnection } from '../app/types.js';
import type { SipMessage } from '../message/sip-message.js';
import type { SipProtocol } from '../message/types.js';
import type { RemoteTarget } from '../transport/types.js';
import type { TimerHandle } from '../util/clock.js';
import { transition } from './fsm.js';
import type { TransitionTable } from './fsm.js';
import { nameAddrUri } from './sip-fields.js';
import { uriHop } from './targets.js';

export type DialogState = 'early' | 'confirmed' | 'terminated';
export type DialogRole = 'uas' | 'uac';
export type DialogUsage = 'INVITE' | 'SUBSCRIBE';

const TABLE: TransitionTable<DialogState> = {
  early: ['early', 'confirmed', 'terminated'],
  confirmed: ['terminated'],
  terminated: [],
};

/** UAS side: a 2xx to an INVITE waiting for its ACK (RFC 3261 §13.3.1.4, timers G and H). */
export interface AckWait {
  cseq: number;
  /** txn id of the INVITE leg (its state moves to completed on ACK). */
  legTxnId: string;
  /** The 2xx; serialised only if it has to be retransmitted. */
  response: SipMessage;
  data: Buffer | undefined;
  target: RemoteTarget;
  intervalMs: number;
  retransmit: TimerHandle | undefined;
  giveUp: TimerHandle;
}

/** UAC side: a 2xx received for our INVITE (RFC 3261 §13.2.2.4), then the ACK kept for 2xx retransmissions. */
export interface UacAck {
  cseq: number;
  /** The ACK as sent, once the app sent it; re-sent for each retransmitted 2xx. */
  ack: Buffer | undefined;
  forget: TimerHandle | undefined;
}

export interface DialogInit {
  id: string;
  callId: string;
  role: DialogRole;
  usage: DialogUsage;
  localTag: string;
  remoteTag: string;
  /** From (UAC) / To (UAS) value with our tag, used as From on our requests. */
  localParty: string;
  /** The peer's From/To value with its tag, used as To on our requests. */
  remoteParty: string;
  remoteTarget: string;
  routeSet: string[];
  localContact: string;
  localSeq: number;
  remoteSeq: number | undefined;
  app: AppConnection;
  /** Where requests go when it is not derived from route set / target (connection reuse, NAT). */
  fixedTarget?: RemoteTarget;
  /** Transport the dialog was set up over. */
  protocol: SipProtocol;
}

export class Dialog {
  readonly id: string;
  readonly callId: string;
  readonly role: DialogRole;
  readonly usage: DialogUsage;
  readonly localTag: string;
  remoteTag: string;
  state: DialogState = 'early';
  localParty: string;
  remoteParty: string;
  remoteTarget: string;
  routeSet: string[];
  localContact: string;
  localSeq: number;
  remoteSeq: number | undefined;
  app: AppConnection;
  fixedTarget: RemoteTarget | undefined;
  readonly protocol: SipProtocol;
  /** Resolved next hop, cached after the first lookup. */
  resolved: RemoteTarget | undefined;
  /**
   * Last SDP we sent (offer or answer), re-used by session refresh (RFC 4028 §7.4). Kept as a
   * string: a small Buffer would pin a whole 8 KB pool slab for the life of the dialog.
   */
  localSdp: string | undefined;
  ackWait: AckWait | undefined;
  uacAck: UacAck | undefined;
  /** RFC 3261 §14.1: our re-INVITE in progress (its txnId), for 491 and BYE-cancels-reINVITE. */
  outgoingInviteTxnId: string | undefined;
  /** RFC 3261 §14.2: a re-INVITE from the peer the app has not answered yet (its txnId). */
  incomingInviteTxnId: string | undefined;
  /** §3.4: a 2xx arrived after the app CANCELled: BYE as soon as the app ACKs. */
  ackBye = false;
  /** Opaque session-timer job (session-timer.ts). */
  sessionTimer: { cancel(): void } | undefined;
  /** SUBSCRIBE dialogs: ends the dialog when the subscription runs out (subscription-expiry.ts). */
  subscriptionExpiry: TimerHandle | undefined;
  /** RFC 4028: negotiated interval (0 = no session timer) and whether we are the refresher. */
  sessionIntervalS = 0;
  weRefresh = false;
  /** UAS: txn id of the INVITE that created the dialog while it is still early (early UPDATE, §2.8). */
  uasInviteTxnId: string | undefined;

  constructor(init: DialogInit) {
    this.id = init.id;
    this.callId = init.callId;
    this.role = init.role;
    this.usage = init.usage;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.localParty = init.localParty;
    this.remoteParty = init.remoteParty;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.localContact = init.localContact;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.app = init.app;
    this.fixedTarget = init.fixedTarget;
    this.protocol = init.protocol;
  }

  to(next: DialogState): void {
    this.state = transition('dialog', TABLE, this.state, next);
  }

  get isTerminated(): boolean {
    return this.state === 'terminated';
  }

  /** RFC 3261 §12.2.1.1: the next CSeq number for a request we send in this dialog. */
  nextCSeq(appSeq?: number): number {
    this.localSeq = appSeq !== undefined && appSeq > this.localSeq ? appSeq : this.localSeq + 1;
    return this.localSeq;
  }

  /** RFC 3261 §12.2.1.1: loose routing when the first route has `lr` (or there is none). */
  get looseRouting(): boolean {
    const first = this.routeSet[0];
    if (first === undefined) return true;
    const uri = nameAddrUri(first) ?? '';
    return /;lr(?:[;=>?]|$)/i.test(uri);
  }

  /** RFC 3261 §12.2.1.1: Request-URI and Route values of a request in this dialog. */
  requestRouting(): { uri: string; routes: string[] } {
    if (this.looseRouting) return { uri: this.remoteTarget, routes: this.routeSet };
    const [first, ...rest] = this.routeSet;
    return { uri: nameAddrUri(first) ?? this.remoteTarget, routes: [...rest, `<${this.remoteTarget}>`] };
  }

  /** RFC 3261 §8.1.2 / §12.2.1.1: next hop (before resolution): the first route, else the target. */
  nextHop(): { protocol: SipProtocol; host: string; port: number; connectionId?: string } | undefined {
    if (this.fixedTarget) {
      const t = this.fixedTarget;
      return t.connectionId === undefined
        ? { protocol: t.protocol, host: t.address, port: t.port }
        : { protocol: t.protocol, host: t.address, port: t.port, connectionId: t.connectionId };
    }
    const first = this.routeSet[0];
    const uri = first === undefined ? this.remoteTarget : nameAddrUri(first);
    return uri === undefined ? undefined : uriHop(uri);
  }

  /** Clears every transient job (timers included); called when the dialog ends. */
  clearJobs(): void {
    if (this.ackWait) {
      this.ackWait.retransmit?.cancel();
      this.ackWait.giveUp.cancel();
      this.ackWait = undefined;
    }
    if (this.uacAck) {
      this.uacAck.forget?.cancel();
      this.uacAck = undefined;
    }
    this.sessionTimer?.cancel();
    this.sessionTimer = undefined;
    this.subscriptionExpiry?.cancel();
    this.subscriptionExpiry = undefined;
  }
}
