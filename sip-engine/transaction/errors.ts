/** Named errors of the transaction layer; `code` is stable, `cause` carries the underlying error. */

export type TransactionErrorCode =
  'illegal-transition' | 'duplicate-transaction' | 'invalid-message' | 'layer-stopped' | 'invalid-config';

/** Which state machine refused a move. */
export type MachineName = 'ict' | 'nict' | 'ist' | 'nist';

/** Base class: every error this layer throws or rejects with is a TransactionError. */
export class TransactionError extends Error {
  override readonly name: string = 'TransactionError';
  readonly code: TransactionErrorCode;

  constructor(code: TransactionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * An event that the state machine does not allow in its current state, e.g. the TU sending a
 * provisional response after a final one (RFC 3261 §17.2.1), or anything after Terminated.
 */
export class IllegalTransitionError extends TransactionError {
  override readonly name = 'IllegalTransitionError';
  readonly machine: MachineName;
  readonly from: string;
  readonly event: string;

  constructor(machine: MachineName, from: string, event: string) {
    super('illegal-transition', `${machine}: event '${event}' is not allowed in state '${from}'`);
    this.machine = machine;
    this.from = from;
    this.event = event;
  }
}

/** A client transaction with the same key (branch + method, RFC 3261 §17.1.3) is still alive. */
export class DuplicateTransactionError extends TransactionError {
  override readonly name = 'DuplicateTransactionError';
  readonly key: string;

  constructor(key: string) {
    super('duplicate-transaction', `a client transaction with key '${key.replace(/\n/g, ' ')}' exists`);
    this.key = key;
  }
}

/** The TU handed the layer something it cannot use (no top Via branch, ACK via sendRequest, ...). */
export class InvalidMessageError extends TransactionError {
  override readonly name = 'InvalidMessageError';

  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid-message', message, options);
  }
}

/** The layer was stopped; no new transaction can start. */
export class TransactionLayerStoppedError extends TransactionError {
  override readonly name = 'TransactionLayerStoppedError';

  constructor() {
    super('layer-stopped', 'the transaction layer is stopped');
  }
}

export function isTransactionError(e: unknown): e is TransactionError {
  return e instanceof TransactionError;
}

/** The timer configuration cannot drive the state machines (T1, T2 and T4 must be positive). */
export class TransactionConfigError extends TransactionError {
  override readonly name = 'TransactionConfigError';

  constructor(message: string) {
    super('invalid-config', message);
  }
}
