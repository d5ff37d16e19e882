/**
 * Tiny helper shared by the core's lifecycles (pending request, UAS leg, UAC leg, dialog): every
 * lifecycle declares its states as a string-literal union and a table of legal moves, and changes
 * state only through {@link transition}, which rejects anything the table does not list.
 */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

/** A state change a lifecycle's table does not allow: always a bug in the core. */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  readonly code = 'illegal-transition';

  constructor(machine: string, from: string, to: string, options?: { cause?: unknown }) {
    super(`${machine}: illegal transition ${from} -> ${to}`, options);
  }
}

/** Returns `to` when the table allows `from -> to`, else throws {@link IllegalTransitionError}. */
export function transition<S extends string>(machine: string, table: TransitionTable<S>, from: S, to: S): S {
  if (!table[from].includes(to)) throw new IllegalTransitionError(machine, from, to);
  return to;
}

/** True when the table allows `from -> to` (for callers that treat a refused move as an outcome). */
export function canTransition<S extends string>(table: TransitionTable<S>, from: S, to: S): boolean {
  return table[from].includes(to);
}
