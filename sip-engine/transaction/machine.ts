/**
 * Plumbing shared by the four transaction state machines: the transition-table type and its one
 * lookup (which rejects illegal moves), the per-transaction timer slots, and the context every
 * transaction receives from the layer (transport, clock, timer config, logger).
 */
import type { Clock, TimerHandle } from '../util/clock.js';
import type { InboundMessage, RemoteTarget, SendResult } from '../transport/types.js';
import type { SipMessage } from '../message/sip-message.js';
import type {
  ClientTransaction,
  ClientTransactionHandlers,
  ServerTransaction,
  TransactionTimersConfig,
} from './types.js';
import { IllegalTransitionError, type MachineName } from './errors.js';

/** What one event does in one state: the next state and the actions to run, in order. */
export interface Step<S extends string, A extends string> {
  readonly to: S;
  readonly actions: readonly A[];
}

/** state → event → step. A missing entry is an illegal move. */
export type TransitionTable<S extends string, E extends string, A extends string> = {
  readonly [K in S]: { readonly [V in E]?: Step<S, A> };
};

/** Looks up one move; throws {@link IllegalTransitionError} when the table has no entry. */
export function lookupStep<S extends string, E extends string, A extends string>(
  machine: MachineName,
  table: TransitionTable<S, E, A>,
  from: S,
  event: E,
): Step<S, A> {
  const step = table[from][event];
  if (!step) throw new IllegalTransitionError(machine, from, event);
  return step;
}

/** Minimal logger (pino-compatible): structured object first, message second. */
export interface TransactionLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: TransactionLogger = {
  debug: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** What the layer gives every transaction. */
export interface TransactionContext {
  send(data: Buffer, target: RemoteTarget): Promise<SendResult>;
  readonly clock: Clock;
  readonly timers: TransactionTimersConfig;
  readonly logger: TransactionLogger;
}

/** What the layer hands a new client transaction. */
export interface ClientTransactionInit {
  readonly ctx: TransactionContext;
  /** RFC 3261 §17.1.3 key (branch + method). */
  readonly key: string;
  readonly request: SipMessage;
  readonly target: RemoteTarget;
  readonly handlers: ClientTransactionHandlers;
  /** Called once, synchronously, when the transaction reaches Terminated (the layer forgets it). */
  readonly onTerminated: (txn: ClientTransaction) => void;
}

/** Normalises whatever a rejected send carried into an Error. */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** Runs a TU callback; a throwing TU must not corrupt the transaction or kill a timer callback. */
export function callTu(logger: TransactionLogger, what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    logger.error({ err, callback: what }, 'transaction user callback threw');
  }
}

/**
 * The timers of one transaction: at most one live handle per name, so a transaction never holds
 * more timer objects than it has armed timers.
 */
export class TimerSlots<N extends string> {
  readonly #clock: Clock;
  readonly #handles = new Map<N, TimerHandle>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  start(name: N, delayMs: number, fire: () => void): void {
    this.cancel(name);
    const handle = this.#clock.setTimer(() => {
      this.#handles.delete(name);
      fire();
    }, delayMs);
    this.#handles.set(name, handle);
  }

  cancel(name: N): void {
    const h = this.#handles.get(name);
    if (h) {
      h.cancel();
      this.#handles.delete(name);
    }
  }

  cancelAll(): void {
    for (const h of this.#handles.values()) h.cancel();
    this.#handles.clear();
  }

  /** Names of the armed timers (for tests and debugging). */
  get armed(): N[] {
    return [...this.#handles.keys()];
  }
}

/** RFC 3261 §18: UDP is the only unreliable transport we speak; TCP, TLS, WS and WSS are reliable. */
export function isReliable(target: Pick<RemoteTarget, 'protocol'>): boolean {
  return target.protocol !== 'udp';
}

export type TerminationReason = 'normal' | 'timeout' | 'transport-error';

/** What the layer hands a new server transaction. */
export interface ServerTransactionInit {
  readonly ctx: TransactionContext;
  /** RFC 3261 §17.2.3 key. */
  readonly key: string;
  readonly request: InboundMessage;
  /** Where responses go (RFC 3261 §18.2.2, RFC 3581 §4), computed once by the layer. */
  readonly responseTarget: RemoteTarget;
  /** Called once, synchronously, when the transaction reaches Terminated (the layer forgets it). */
  readonly onTerminated: (txn: ServerTransaction) => void;
}

/** The `onTerminated` listeners of a server transaction: each fires exactly once. */
export class TerminationListeners {
  readonly #logger: TransactionLogger;
  #listeners: ((reason: TerminationReason) => void)[] = [];
  #reason: TerminationReason | undefined;

  constructor(logger: TransactionLogger) {
    this.#logger = logger;
  }

  /** Registers a listener; one added after termination is called at once with the reason. */
  add(listener: (reason: TerminationReason) => void): void {
    const reason = this.#reason;
    if (reason === undefined) this.#listeners.push(listener);
    else callTu(this.#logger, 'onTerminated', () => listener(reason));
  }

  fire(reason: TerminationReason): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const l of listeners) callTu(this.#logger, 'onTerminated', () => l(reason));
  }
}
