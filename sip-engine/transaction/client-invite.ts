/**
 * INVITE client transaction (ICT): RFC 3261 §17.1.1, with the Accepted state of RFC 6026 §7.2.
 *
 * ```
 *                        INVITE sent; timer A (UDP only) and timer B armed
 *                                       │
 *        timer A: re-send,         ┌────▼────┐  timer B: → terminated, TU told "timeout" (408)
 *        A = 2·A ─────────────────▶│ calling │  transport error: → terminated, TU told (503)
 *                                  └────┬────┘
 *                                       │ 1xx: to TU
 *        1xx: to TU               ┌─────▼──────┐
 *        ────────────────────────▶│ proceeding │
 *                                 └─────┬──────┘
 *        from calling or proceeding:    │
 *        2xx: to TU, timer M            │        300-699: ACK sent, to TU, timer D
 *                       ┌───────────────┴───────────────┐
 *                 ┌─────▼────┐                    ┌─────▼─────┐
 *   2xx: to TU ──▶│ accepted │   300-699: ACK ───▶│ completed │
 *                 └─────┬────┘   re-sent          └─────┬─────┘
 *                       │ timer M (64·T1)               │ timer D (≥ 32 s UDP, 0 reliable)
 *                       └───────────────┬───────────────┘
 *                                ┌──────▼─────┐
 *                                │ terminated │
 *                                └────────────┘
 * ```
 *
 * 2xx responses (first, retransmitted, forked) all reach the TU while Accepted, which builds and
 * re-sends the 2xx ACK itself (§13.2.2.4). Responses a state does not expect are absorbed.
 */
import type { InboundMessage, RemoteTarget, SendResult } from '../transport/types.js';
import type { SipMessage } from '../message/sip-message.js';
import type { ClientTransaction, ClientTransactionState } from './types.js';
import { buildNon2xxAck, type AckSource } from './build-ack.js';
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
import { timeout64, timerAInitial, timerANext, timerD, timerM } from './timer-values.js';

export type IctState = Extract<
  ClientTransactionState,
  'calling' | 'proceeding' | 'accepted' | 'completed' | 'terminated'
>;
export type IctEvent =
  | 'provisional'
  | 'success'
  | 'failure'
  | 'timer-a'
  | 'timer-b'
  | 'timer-d'
  | 'timer-m'
  | 'transport-error'
  | 'abort';
export type IctAction =
  | 'stop-timers'
  | 'retransmit'
  | 'rearm-a'
  | 'send-ack'
  | 'pass-up'
  | 'start-d'
  | 'start-m'
  | 'report-timeout'
  | 'report-transport-error';

const ABORT: Step<IctState, IctAction> = { to: 'terminated', actions: [] };
/** The event is absorbed: no state change, nothing done. */
const stay = (s: IctState): Step<IctState, IctAction> => ({ to: s, actions: [] });

const TABLE: TransitionTable<IctState, IctEvent, IctAction> = {
  calling: {
    // RFC 3261 §17.1.1.2: a provisional moves to Proceeding; retransmissions stop.
    provisional: { to: 'proceeding', actions: ['stop-timers', 'pass-up'] },
    // RFC 6026 §7.2: a 2xx moves to Accepted and timer M is armed.
    success: { to: 'accepted', actions: ['stop-timers', 'pass-up', 'start-m'] },
    // RFC 3261 §17.1.1.2: 300-699 → Completed, ACK generated, response to TU, timer D.
    failure: { to: 'completed', actions: ['stop-timers', 'send-ack', 'pass-up', 'start-d'] },
    'timer-a': { to: 'calling', actions: ['retransmit', 'rearm-a'] },
    'timer-b': { to: 'terminated', actions: ['report-timeout'] },
    'transport-error': { to: 'terminated', actions: ['report-transport-error'] },
    abort: ABORT,
  },
  proceeding: {
    provisional: { to: 'proceeding', actions: ['pass-up'] },
    success: { to: 'accepted', actions: ['pass-up', 'start-m'] },
    failure: { to: 'completed', actions: ['send-ack', 'pass-up', 'start-d'] },
    // RFC 3261 §17.1.4: a late failure of a send still means the peer is unreachable.
    'transport-error': { to: 'terminated', actions: ['report-transport-error'] },
    abort: ABORT,
  },
  accepted: {
    provisional: stay('accepted'),
    // RFC 6026 §7.2: every 2xx received in Accepted is passed up to the TU.
    success: { to: 'accepted', actions: ['pass-up'] },
    failure: stay('accepted'),
    'timer-m': { to: 'terminated', actions: [] },
    'transport-error': stay('accepted'),
    abort: ABORT,
  },
  completed: {
    provisional: stay('completed'),
    success: stay('completed'),
    // RFC 3261 §17.1.1.2: a retransmitted final response is ACKed again, not passed up.
    failure: { to: 'completed', actions: ['send-ack'] },
    'timer-d': { to: 'terminated', actions: [] },
    // The TU already has its final response: terminate without telling it "503".
    'transport-error': { to: 'terminated', actions: [] },
    abort: ABORT,
  },
  terminated: {},
};

/** The ICT transition function: the next state and actions, or IllegalTransitionError. */
export function ictTransition(from: IctState, event: IctEvent): Step<IctState, IctAction> {
  return lookupStep('ict', TABLE, from, event);
}

type IctTimer = 'A' | 'B' | 'D' | 'M';

export class ClientInviteTransaction implements ClientTransaction {
  readonly key: string;
  readonly request: SipMessage;
  readonly target: RemoteTarget;
  readonly isInvite = true;
  readonly sent: Promise<SendResult>;
  readonly #init: ClientTransactionInit;
  readonly #ackSource: AckSource;
  readonly #timers: TimerSlots<IctTimer>;
  readonly #bytes: Buffer;
  readonly #reliable: boolean;
  #state: IctState = 'calling';
  #sendTarget: RemoteTarget;
  #intervalA: number;
  #response: InboundMessage | undefined;
  #ack: Buffer | undefined;
  #error: Error | undefined;
  /** A timer of duration 0 armed during a step: its event runs right after that step. */
  #immediate: IctEvent | undefined;

  constructor(init: ClientTransactionInit, ack: Omit<AckSource, 'invite'>) {
    const { ctx } = init;
    this.#init = init;
    this.key = init.key;
    this.request = init.request;
    this.target = init.target;
    this.#sendTarget = init.target;
    this.#ackSource = { invite: init.request, ...ack };
    this.#timers = new TimerSlots(ctx.clock);
    this.#reliable = isReliable(init.target);
    this.#bytes = init.request.toBuffer();
    this.#intervalA = timerAInitial(ctx.timers);
    // Entry into Calling (RFC 3261 §17.1.1.2): send, timer A on unreliable transports, timer B.
    this.sent = ctx.send(this.#bytes, init.target);
    this.sent.then(
      (r) => {
        // Later copies (retransmissions, ACK) reuse the connection the first one used.
        this.#sendTarget = r.target;
      },
      (err: unknown) => this.#onSendError(err),
    );
    if (!this.#reliable) this.#arm('A', this.#intervalA, 'timer-a');
    this.#arm('B', timeout64(ctx.timers), 'timer-b');
  }

  get state(): ClientTransactionState {
    return this.#state;
  }

  /** Timers currently armed (for tests and debugging). */
  get armedTimers(): IctTimer[] {
    return this.#timers.armed;
  }

  /** A response the layer matched to this transaction (RFC 3261 §17.1.3). */
  receiveResponse(inbound: InboundMessage): void {
    const status = inbound.message.status;
    this.#response = inbound;
    this.#dispatch(status < 200 ? 'provisional' : status < 300 ? 'success' : 'failure');
  }

  /** Ends the transaction silently (layer shutdown). */
  abort(): void {
    if (this.#state !== 'terminated') this.#dispatch('abort');
  }

  #dispatch(event: IctEvent): void {
    const step = ictTransition(this.#state, event);
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

  #perform(action: IctAction): void {
    const { ctx, handlers } = this.#init;
    switch (action) {
      case 'stop-timers':
        return this.#timers.cancelAll();
      case 'retransmit':
        return this.#transmit(this.#bytes);
      case 'rearm-a':
        this.#intervalA = timerANext(this.#intervalA);
        return this.#arm('A', this.#intervalA, 'timer-a');
      case 'send-ack':
        return this.#sendAck();
      case 'pass-up': {
        const r = this.#response;
        if (r) callTu(ctx.logger, 'onResponse', () => handlers.onResponse(r, this));
        return;
      }
      case 'start-d':
        return this.#arm('D', timerD(ctx.timers, this.#reliable), 'timer-d');
      case 'start-m':
        return this.#arm('M', timerM(ctx.timers), 'timer-m');
      case 'report-timeout':
        return callTu(ctx.logger, 'onTimeout', () => handlers.onTimeout(this));
      case 'report-transport-error': {
        const err = this.#error ?? new Error('transport error');
        return callTu(ctx.logger, 'onTransportError', () => handlers.onTransportError(err, this));
      }
    }
  }

  /** Arms a timer; a zero duration (reliable transports) takes its transition at once. */
  #arm(name: IctTimer, ms: number, event: IctEvent): void {
    if (ms <= 0) this.#immediate = event;
    else this.#timers.start(name, ms, () => this.#dispatch(event));
  }

  /** RFC 3261 §17.1.1.3: the ACK is built once and re-sent for each retransmitted final response. */
  #sendAck(): void {
    const r = this.#response;
    if (!r) return;
    this.#ack ??= buildNon2xxAck(this.#ackSource, r.message).toBuffer();
    this.#transmit(this.#ack);
  }

  #transmit(bytes: Buffer): void {
    this.#init.ctx.send(bytes, this.#sendTarget).catch((err: unknown) => this.#onSendError(err));
  }

  #onSendError(err: unknown): void {
    if (this.#state === 'terminated') return;
    this.#error = asError(err);
    this.#init.ctx.logger.warn({ err: this.#error, key: this.key }, 'ICT send failed');
    this.#dispatch('transport-error');
  }
}
