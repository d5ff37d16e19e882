/**
 * Non-INVITE server transaction (NIST): RFC 3261 §17.2.2.
 *
 * ```
 *                        request received (passed to the TU by the layer)
 *                                       │
 *        request again: absorbed   ┌────▼───┐
 *        ─────────────────────────▶│ trying │
 *                                  └────┬───┘
 *                                       │ 1xx from TU: sent
 *        1xx from TU: sent;        ┌────▼───────┐
 *        request again: last ─────▶│ proceeding │  transport error: → terminated
 *        1xx re-sent               └────┬───────┘
 *        from trying or proceeding:     │
 *        200-699 from TU: sent, timer J │
 *        request again: final      ┌────▼──────┐
 *        re-sent ─────────────────▶│ completed │  transport error: → terminated
 *                                  └────┬──────┘
 *                                       │ timer J (64·T1 UDP, 0 reliable)
 *                                  ┌────▼───────┐
 *                                  │ terminated │
 *                                  └────────────┘
 * ```
 * A response from the TU once Completed is refused (§17.2.2: "MUST be discarded").
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
import { timerJ } from './timer-values.js';

export type NistState = Extract<ServerTransactionState, 'trying' | 'proceeding' | 'completed' | 'terminated'>;
export type NistEvent =
  'retransmission' | 'tu-provisional' | 'tu-final' | 'timer-j' | 'transport-error' | 'abort';
export type NistAction = 'send' | 'resend-last' | 'start-j' | 'report-transport-error';

const ABORT: Step<NistState, NistAction> = { to: 'terminated', actions: [] };

const TABLE: TransitionTable<NistState, NistEvent, NistAction> = {
  trying: {
    // RFC 3261 §17.2.2: in Trying, request retransmissions are discarded.
    retransmission: { to: 'trying', actions: [] },
    'tu-provisional': { to: 'proceeding', actions: ['send'] },
    'tu-final': { to: 'completed', actions: ['send', 'start-j'] },
    abort: ABORT,
  },
  proceeding: {
    // RFC 3261 §17.2.2: a retransmission gets the most recent provisional again.
    retransmission: { to: 'proceeding', actions: ['resend-last'] },
    'tu-provisional': { to: 'proceeding', actions: ['send'] },
    'tu-final': { to: 'completed', actions: ['send', 'start-j'] },
    'transport-error': { to: 'terminated', actions: ['report-transport-error'] },
    abort: ABORT,
  },
  completed: {
    // RFC 3261 §17.2.2: a retransmission gets the final response again.
    retransmission: { to: 'completed', actions: ['resend-last'] },
    'timer-j': { to: 'terminated', actions: [] },
    'transport-error': { to: 'terminated', actions: ['report-transport-error'] },
    abort: ABORT,
  },
  terminated: {},
};

/** The NIST transition function: the next state and actions, or IllegalTransitionError. */
export function nistTransition(from: NistState, event: NistEvent): Step<NistState, NistAction> {
  return lookupStep('nist', TABLE, from, event);
}

export class ServerNonInviteTransaction implements ServerTransaction {
  readonly key: string;
  readonly request: InboundMessage;
  readonly isInvite = false;
  readonly #init: ServerTransactionInit;
  readonly #timers: TimerSlots<'J'>;
  readonly #listeners: TerminationListeners;
  readonly #reliable: boolean;
  readonly #target: RemoteTarget;
  #state: NistState = 'trying';
  #lastResponse: SipMessage | undefined;
  #lastBytes: Buffer | undefined;
  #lastSend: Promise<SendResult> | undefined;
  #reason: TerminationReason = 'normal';
  #immediate: NistEvent | undefined;

  constructor(init: ServerTransactionInit) {
    this.#init = init;
    this.key = init.key;
    this.request = init.request;
    this.#target = init.responseTarget;
    this.#timers = new TimerSlots(init.ctx.clock);
    this.#listeners = new TerminationListeners(init.ctx.logger);
    this.#reliable = isReliable(init.request.source);
  }

  get state(): ServerTransactionState {
    return this.#state;
  }

  get lastResponse(): SipMessage | undefined {
    return this.#lastResponse;
  }

  /** Timers currently armed (for tests and debugging). */
  get armedTimers(): 'J'[] {
    return this.#timers.armed;
  }

  respond(response: SipMessage): Promise<SendResult> {
    const status = response.status;
    if (response.isRequest || status < 100 || status > 699) {
      return Promise.reject(new InvalidMessageError(`not a response: ${response.startLine.kind} ${status}`));
    }
    const event: NistEvent = status < 200 ? 'tu-provisional' : 'tu-final';
    try {
      nistTransition(this.#state, event);
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

  /** A retransmission of the request the layer matched to this transaction (RFC 3261 §17.2.3). */
  receiveRequest(_inbound: InboundMessage): void {
    this.#dispatch('retransmission');
  }

  /** Ends the transaction silently (layer shutdown). */
  abort(): void {
    if (this.#state !== 'terminated') this.#dispatch('abort');
  }

  #dispatch(event: NistEvent): void {
    const step = nistTransition(this.#state, event);
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

  #perform(action: NistAction): void {
    switch (action) {
      case 'send':
        this.#lastSend = this.#transmit();
        return;
      case 'resend-last':
        if (this.#lastBytes) void this.#transmit();
        return;
      case 'start-j': {
        const ms = timerJ(this.#init.ctx.timers, this.#reliable);
        if (ms <= 0) this.#immediate = 'timer-j';
        else this.#timers.start('J', ms, () => this.#dispatch('timer-j'));
        return;
      }
      case 'report-transport-error':
        this.#reason = 'transport-error';
        return;
    }
  }

  /** Sends the last response; a failure feeds the state machine (RFC 3261 §17.2.4). */
  #transmit(): Promise<SendResult> {
    const p = this.#init.ctx.send(this.#lastBytes ?? Buffer.alloc(0), this.#target);
    p.catch((err: unknown) => this.#onSendError(err));
    return p;
  }

  #onSendError(err: unknown): void {
    if (this.#state === 'terminated') return;
    this.#init.ctx.logger.warn({ err: asError(err), key: this.key }, 'NIST send failed');
    this.#dispatch('transport-error');
  }
}
