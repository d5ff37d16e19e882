/** Named errors of gateways/. Expected outcomes (unknown source, gateway full) are values, not errors. */

export type GatewayErrorCode = 'illegal-transition';

/** A state machine was asked for a move its transition table does not allow: a bug of the caller. */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  readonly code = 'illegal-transition' satisfies GatewayErrorCode;
  readonly machine: string;
  readonly from: string;
  readonly to: string;

  constructor(machine: string, from: string, to: string, options?: { cause?: unknown }) {
    super(`${machine}: illegal move ${from} → ${to}`, options);
    this.machine = machine;
    this.from = from;
    this.to = to;
  }
}
