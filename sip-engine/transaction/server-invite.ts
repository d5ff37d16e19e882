/**
 * INVITE server transaction (IST): RFC 3261 §17.2.1, with the Accepted state of RFC 6026 §8.7.
 *
 * ```
 *                        INVITE received (passed to the TU by the layer)
 *                                       │
 *        1xx from TU: sent;      ┌──────▼─────┐
 *        INVITE again: last ────▶│ proceeding │  transport error: → terminated ("transport-error")
 *        1xx re-sent             └──────┬─────┘
 *        2xx from TU: sent, timer L     │     300-699 from TU: sent, timer G (UDP only), timer H
 *                       ┌───────────────┴───────────────┐
 *                 ┌─────▼────┐                    ┌─────▼─────┐  timer G: final re-sent, G = min(2·G, T2)
 *  2xx from TU: ─▶│ accepted │  INVITE again: ───▶│ completed │  timer H (64·T1): → terminated ("timeout")
 *  sent; ACK: to  └─────┬────┘  final re-sent     └─────┬─────┘  transport error: → terminated
 *  TU; INVITE           │                               │ ACK: absorbed
 *  again: absorbed      │                         ┌─────▼─────┐
 *                       │                         │ confirmed │◀── ACK, INVITE again: absorbed
 *                       │                         └─────┬─────┘
 *                       │ timer L (64·T1)               │ timer I (T4 UDP, 0 reliable)
 *                       └───────────────┬───────────────┘
 *                                ┌──────▼─────┐
 *                                │ terminated │
 *                                └────────────┘
 * ```
 * The 2xx itself is retransmitted by the TU (RFC 3261 §13.3.1.4) through `respond` while Accepted.
 * The 100 Trying is the TU's job too: the engine core sends it at once (drachtio §3.2), through
 * `respond` so that INVITE retransmissions get it again.
 */
import type { InboundMessage, RemoteTarget, SendResult } from '../transport/types.js';
import type { SipMessage } from '../message/sip-message.js';
import type { ServerTransaction, ServerTransactionState } from './types.js';
import { InvalidMessageError } from './errors.js';
import {
  asError,
  isReliable,
  lookupStep,
  TerminationListeners,
  TimerSlots,
  type ServerTransactionInit,
  type Step,
  type TerminationReason,
  type TransitionTable,
} from './machine.js';
import { timeout64, timerGInitial, timerGNext, timerI, timerL } from './timer-values.js';

export type IstState = Extract<
  ServerTransactionState,
  'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated'
>;
export type IstEvent =
  | 'retransmission'
  | 'ack'
  | 'tu-provisional'
  | 'tu-success'
  | 'tu-failure'
  | 'timer-g'
  | 'timer-h'
  | 'timer-i'
  | 'timer-l'
  | 'transport-error'
  | 'abort';
export type IstAction =
  | 'send'
  | 'resend-last'
  | 'stop-timers'
  | 'start-g-h'
  | 'rearm-g'
  | 'start-i'
  | 'start-l'
  | 'ack-to-tu'
  | 'report-timeout'
  | 'report-transport-error';

const ABORT: Step<IstState, IstAction> = { to: 'terminated', actions: [] };
/** The event is absorbed: no state change, nothing done. */
const stay = (s: IstState): Step<IstState, IstAction> => ({ to: s, actions: [] });

const TABLE: TransitionTable<IstState, IstEvent, IstAction> = {
  proceeding: {
    // RFC 3261 §17.2.1: a retransmitted INVITE gets the most recent provisional again.
    retransmission: { to: 'proceeding', actions: ['resend-last'] },
    ack: stay('proceeding'),
    'tu-provisional': { to: 'proceeding', actions: ['send'] },
    // RFC 6026 §8.7: a 2xx from the TU moves to Accepted and arms timer L.
    'tu-success': { to: 'accepted', actions: ['send', 'start-l'] },
    // RFC 3261 §17.2.1: 300-699 → Completed; timer G on unreliable transports, timer H always.
    'tu-failure': { to: 'completed', actions: ['send', 'start-g-h'] },
    'transport-error': { to: 'terminated', actions: ['report-transport-error'] },
    abort: ABORT,
  },
  accepted: {
    // RFC 6026 §8.7: INVITE retransmissions are absorbed, ACKs go to the TU, 2xx from TU are sent.
    retransmission: stay('accepted'),
    ack: { to: 'accepted', actions: ['ack-to-tu'] },
    'tu-success': { to: 'accepted', actions: ['send'] },
    'timer-l': { to: 'terminated', actions: [] },
    // A failed 2xx send is the TU's to handle (it sees `respond` reject); 2xx reliability is end-to-end.
    'transport-error': stay('accepted'),
    abort: ABORT,
  },
  completed: {
    retransmission: { to: 'completed', actions: ['resend-last'] },
    // RFC 3261 §17.2.1: the ACK moves to Confirmed (and is not passed up); G and H stop.
    ack: { to: 'confirmed', actions: ['stop-timers', 'start-i'] },
    'timer-g': { to: 'completed', actions: ['resend-last', 'rearm-g'] },
    'timer-h': { to: 'terminated', actions: ['report-timeout'] },
    'transport-error': { to: 'terminated', actions: ['report-transport-error'] },
    abort: ABORT,
  },
  confirmed: {
    // RFC 3261 §17.2.1: Confirmed absorbs ACK retransmissions (and stray INVITE copies).
    retransmission: stay('confirmed'),
    ack: stay('confirmed'),
    'timer-i': { to: 'terminated', actions: [] },
    'transport-error': stay('confirmed'),
    abort: ABORT,
  },
  terminated: {},
};

/** The IST transition function: the next state and actions, or IllegalTransitionError. */
export function istTransition(from: IstState, event: IstEvent): Step<IstState, IstAction> {
  return lookupStep('ist', TABLE, from, event);
}

type IstTimer = 'G' | 'H' | 'I' | 'L';

export interface ServerInviteInit extends ServerTransactionInit {
  /** An ACK that matched this transaction while Accepted: the dialog layer's 2xx ACK. */
  readonly deliverAck: (inbound: InboundMessage) => void;
}

export class ServerInviteTransaction implements ServerTransaction {
  readonly key: string;
  readonly request: InboundMessage;
  readonly isInvite = true;
  readonly #init: ServerInviteInit;
  readonly #timers: TimerSlots<IstTimer>;
  readonly #listeners: TerminationListeners;
  readonly #reliable: boolean;
  readonly #target: RemoteTarget;
  #state: IstState = 'proceeding';
  #lastResponse: SipMessage | undefined;
  #lastBytes: Buffer | undefined;
  #lastSend: Promise<SendResult> | undefined;
  #intervalG: number;
  #ack: InboundMessage | undefined;
  #reason: TerminationReason = 'normal';
  #immediate: IstEvent | undefined;

  constructor(init: ServerInviteInit) {
    this.#init = init;
    this.key = init.key;
    this.request = init.request;
    this.#target = init.responseTarget;
    this.#timers = new TimerSlots(init.ctx.clock);
    this.#listeners = new TerminationListeners(init.ctx.logger);
    this.#reliable = isReliable(init.request.source);
    this.#intervalG = timerGInitial(init.ctx.timers);
  }

  get state(): ServerTransactionState {
    return this.#state;
  }

  get lastResponse(): SipMessage | undefined {
    return this.#lastResponse;
  }

  /** Timers currently armed (for tests and debugging). */
  get armedTimers(): IstTimer[] {
    return this.#timers.armed;
  }

  respond(response: SipMessage): Promise<SendResult> {
    const status = response.status;
    if (response.isRequest || status < 100 || status > 699) {
      return Promise.reject(new InvalidMessageError(`not a response: ${response.startLine.kind} ${status}`));
    }
    const event: IstEvent = status < 200 ? 'tu-provisional' : status < 300 ? 'tu-success' : 'tu-failure';
    try {
      istTransition(this.#state, event);
    } catch (err) {
      return Promise.reject(asError(err));
    }
    this.#lastResponse = response;
    this.#lastBytes = response.toBuffer();
    this.#lastSend = undefined;
    this.#dispatch(event);
    return this.#lastSend ?? Promise.reject(new Error('response not sent'));
  }

  onTerminated(listener: (reason: TerminationReason) => void): void {
    this.#listeners.add(listener);
  }

  /** A retransmitted INVITE or an ACK the layer matched to this transaction (RFC 3261 §17.2.3). */
  receiveRequest(inbound: InboundMessage): void {
    if (inbound.message.method === 'ACK') {
      this.#ack = inbound;
      this.#dispatch('ack');
    } else this.#dispatch('retransmission');
  }

  /** Ends the transaction silently (layer shutdown). */
  abort(): void {
    if (this.#state !== 'terminated') this.#dispatch('abort');
  }

  #dispatch(event: IstEvent): void {
    const step = istTransition(this.#state, event);
    this.#state = step.to;
    if (step.to === 'terminated') {
      this.#timers.cancelAll();
      this.#init.onTerminated(this);
    }
    for (const action of step.actions) this.#perform(action);
    if (step.to === 'terminated') this.#listeners.fire(this.#reason);
    const next = this.#immediate;
    this.#immediate = undefined;
    if (next) this.#dispatch(next);
  }

  #perform(action: IstAction): void {
    const { timers } = this.#init.ctx;
    switch (action) {
      case 'send':
        this.#lastSend = this.#transmit();
        return;
      case 'resend-last':
        if (this.#lastBytes) void this.#transmit();
        return;
      case 'stop-timers':
        return this.#timers.cancelAll();
      case 'start-g-h':
        if (!this.#reliable) this.#arm('G', this.#intervalG, 'timer-g');
        return this.#arm('H', timeout64(timers), 'timer-h');
      case 'rearm-g':
        this.#intervalG = timerGNext(timers, this.#intervalG);
        return this.#arm('G', this.#intervalG, 'timer-g');
      case 'start-i':
        return this.#arm('I', timerI(timers, this.#reliable), 'timer-i');
      case 'start-l':
        return this.#arm('L', timerL(timers), 'timer-l');
      case 'ack-to-tu': {
        const ack = this.#ack;
        if (ack) this.#init.deliverAck(ack);
        return;
      }
      case 'report-timeout':
        this.#reason = 'timeout';
        return;
      case 'report-transport-error':
        this.#reason = 'transport-error';
        return;
    }
  }

  /** Arms a timer; a zero duration (reliable transports) takes its transition right after the step. */
  #arm(name: IstTimer, ms: number, event: IstEvent): void {
    if (ms <= 0) this.#immediate = event;
    else this.#timers.start(name, ms, () => this.#dispatch(event));
  }

  /** Sends the last response; a failure feeds the state machine (RFC 3261 §17.2.4). */
  #transmit(): Promise<SendResult> {
    const bytes = this.#lastBytes ?? Buffer.alloc(0);
    const p = this.#init.ctx.send(bytes, this.#target);
    p.catch((err: unknown) => this.#onSendError(err));
    return p;
  }

  #onSendError(err: unknown): void {
    if (this.#state === 'terminated') return;
    this.#init.ctx.logger.warn({ err: asError(err), key: this.key }, 'IST send failed');
    this.#dispatch('transport-error');
  }
}
