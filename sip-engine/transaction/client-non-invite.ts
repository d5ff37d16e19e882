/**
 * Non-INVITE client transaction (NICT): RFC 3261 §17.1.2.
 *
 * ```
 *                        request sent; timer E (UDP only) and timer F armed
 *                                       │
 *        timer E: re-send,         ┌────▼───┐
 *        E = min(2·E, T2) ────────▶│ trying │
 *                                  └────┬───┘
 *                                       │ 1xx: to TU (E and F keep running)
 *        timer E: re-send, E = T2; ┌────▼───────┐
 *        1xx: to TU ──────────────▶│ proceeding │
 *                                  └────┬───────┘
 *        from trying or proceeding:     │   timer F (64·T1): → terminated, TU told "timeout" (408)
 *        200-699: to TU, timer K        │   transport error: → terminated, TU told (503)
 *                                  ┌────▼──────┐
 *        responses absorbed ──────▶│ completed │
 *                                  └────┬──────┘
 *                                       │ timer K (T4 UDP, 0 reliable)
 *                                  ┌────▼───────┐
 *                                  │ terminated │
 *                                  └────────────┘
 * ```
 * Timers E and F keep running from Trying into Proceeding (§17.1.2.2).
 */
import type { InboundMessage, RemoteTarget, SendResult } from '../transport/types.js';
import type { SipMessage } from '../message/sip-message.js';
import type { ClientTransaction, ClientTransactionState } from './types.js';
import {
  asError,
  callTu,
  isReliable,
  lookupStep,
  TimerSlots,
  type ClientTransactionInit,
  type Step,
  type TransitionTable,
} from './machine.js';
import { timeout64, timerEInitial, timerENext, timerK } from './timer-values.js';

export type NictState = Extract<ClientTransactionState, 'trying' | 'proceeding' | 'completed' | 'terminated'>;
export type NictEvent =
  'provisional' | 'final' | 'timer-e' | 'timer-f' | 'timer-k' | 'transport-error' | 'abort';
export type NictAction =
  | 'stop-timers'
  | 'retransmit'
  | 'backoff-e'
  | 'rearm-e-t2'
  | 'pass-up'
  | 'start-k'
  | 'report-timeout'
  | 'report-transport-error';

const ABORT: Step<NictState, NictAction> = { to: 'terminated', actions: [] };
/** The event is absorbed: no state change, nothing done. */
const stay = (s: NictState): Step<NictState, NictAction> => ({ to: s, actions: [] });

const TABLE: TransitionTable<NictState, NictEvent, NictAction> = {
  trying: {
    // RFC 3261 §17.1.2.2: a provisional moves to Proceeding; E and F keep running.
    provisional: { to: 'proceeding', actions: ['pass-up'] },
    // A final response moves to Completed and arms timer K.
    final: { to: 'completed', actions: ['stop-timers', 'pass-up', 'start-k'] },
    'timer-e': { to: 'trying', actions: ['retransmit', 'backoff-e'] },
    'timer-f': { to: 'terminated', actions: ['report-timeout'] },
    'transport-error': { to: 'terminated', actions: ['report-transport-error'] },
    abort: ABORT,
  },
  proceeding: {
    provisional: { to: 'proceeding', actions: ['pass-up'] },
    final: { to: 'completed', actions: ['stop-timers', 'pass-up', 'start-k'] },
    // RFC 3261 §17.1.2.2: in Proceeding timer E is reset with T2.
    'timer-e': { to: 'proceeding', actions: ['retransmit', 'rearm-e-t2'] },
    'timer-f': { to: 'terminated', actions: ['report-timeout'] },
    'transport-error': { to: 'terminated', actions: ['report-transport-error'] },
    abort: ABORT,
  },
  completed: {
    // RFC 3261 §17.1.2.2: Completed buffers (absorbs) response retransmissions.
    provisional: stay('completed'),
    final: stay('completed'),
    'timer-k': { to: 'terminated', actions: [] },
    // A late failure of an earlier retransmission: the TU already has its final response.
    'transport-error': stay('completed'),
    abort: ABORT,
  },
  terminated: {},
};

/** The NICT transition function: the next state and actions, or IllegalTransitionError. */
export function nictTransition(from: NictState, event: NictEvent): Step<NictState, NictAction> {
  return lookupStep('nict', TABLE, from, event);
}

type NictTimer = 'E' | 'F' | 'K';

export class ClientNonInviteTransaction implements ClientTransaction {
  readonly key: string;
  readonly request: SipMessage;
  readonly target: RemoteTarget;
  readonly isInvite = false;
  readonly sent: Promise<SendResult>;
  readonly #init: ClientTransactionInit;
  readonly #timers: TimerSlots<NictTimer>;
  readonly #bytes: Buffer;
  readonly #reliable: boolean;
  #state: NictState = 'trying';
  #sendTarget: RemoteTarget;
  #intervalE: number;
  #response: InboundMessage | undefined;
  #error: Error | undefined;
  /** A timer of duration 0 armed during a step: its event runs right after that step. */
  #immediate: NictEvent | undefined;

  constructor(init: ClientTransactionInit) {
    const { ctx } = init;
    this.#init = init;
    this.key = init.key;
    this.request = init.request;
    this.target = init.target;
    this.#sendTarget = init.target;
    this.#timers = new TimerSlots(ctx.clock);
    this.#reliable = isReliable(init.target);
    this.#bytes = init.request.toBuffer();
    this.#intervalE = timerEInitial(ctx.timers);
    // Entry into Trying (RFC 3261 §17.1.2.2): send, timer E on unreliable transports, timer F.
    this.sent = ctx.send(this.#bytes, init.target);
    this.sent.then(
      (r) => {
        this.#sendTarget = r.target;
      },
      (err: unknown) => this.#onSendError(err),
    );
    if (!this.#reliable) this.#arm('E', this.#intervalE, 'timer-e');
    this.#arm('F', timeout64(ctx.timers), 'timer-f');
  }

  get state(): ClientTransactionState {
    return this.#state;
  }

  /** Timers currently armed (for tests and debugging). */
  get armedTimers(): NictTimer[] {
    return this.#timers.armed;
  }

  /** A response the layer matched to this transaction (RFC 3261 §17.1.3). */
  receiveResponse(inbound: InboundMessage): void {
    this.#response = inbound;
    this.#dispatch(inbound.message.status < 200 ? 'provisional' : 'final');
  }

  /** Ends the transaction silently (layer shutdown). */
  abort(): void {
    if (this.#state !== 'terminated') this.#dispatch('abort');
  }

  #dispatch(event: NictEvent): void {
    const step = nictTransition(this.#state, event);
    this.#state = step.to;
    if (step.to === 'terminated') {
      this.#timers.cancelAll();
      this.#init.onTerminated(this);
    }
    for (const action of step.actions) this.#perform(action);
    const next = this.#immediate;
    this.#immediate = undefined;
    if (next) this.#dispatch(next);
  }

  #perform(action: NictAction): void {
    const { ctx, handlers } = this.#init;
    switch (action) {
      case 'stop-timers':
        return this.#timers.cancelAll();
      case 'retransmit':
        return this.#transmit();
      case 'backoff-e':
        this.#intervalE = timerENext(ctx.timers, this.#intervalE);
        return this.#arm('E', this.#intervalE, 'timer-e');
      case 'rearm-e-t2':
        this.#intervalE = ctx.timers.t2Ms;
        return this.#arm('E', this.#intervalE, 'timer-e');
      case 'pass-up': {
        const r = this.#response;
        if (r) callTu(ctx.logger, 'onResponse', () => handlers.onResponse(r, this));
        return;
      }
      case 'start-k':
        return this.#arm('K', timerK(ctx.timers, this.#reliable), 'timer-k');
      case 'report-timeout':
        return callTu(ctx.logger, 'onTimeout', () => handlers.onTimeout(this));
      case 'report-transport-error': {
        const err = this.#error ?? new Error('transport error');
        return callTu(ctx.logger, 'onTransportError', () => handlers.onTransportError(err, this));
      }
    }
  }

  /** Arms a timer; a zero duration (reliable transports) takes its transition right after the step. */
  #arm(name: NictTimer, ms: number, event: NictEvent): void {
    if (ms <= 0) this.#immediate = event;
    else this.#timers.start(name, ms, () => this.#dispatch(event));
  }

  #transmit(): void {
    this.#init.ctx.send(this.#bytes, this.#sendTarget).catch((err: unknown) => this.#onSendError(err));
  }

  #onSendError(err: unknown): void {
    if (this.#state === 'terminated') return;
    this.#error = asError(err);
    this.#init.ctx.logger.warn({ err: this.#error, key: this.key }, 'NICT send failed');
    this.#dispatch('transport-error');
  }
}
