/**
 * A tiny explicit state machine: states are a string-literal union, the table lists the legal
 * moves, and `transition` is the one function that changes state (it throws on an illegal move).
 */
import { IllegalTransitionError } from './errors.js';

export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

export class StateMachine<S extends string> {
  readonly #name: string;
  readonly #table: TransitionTable<S>;
  #state: S;
  readonly #onChange: ((from: S, to: S) => void) | undefined;

  constructor(name: string, table: TransitionTable<S>, initial: S, onChange?: (from: S, to: S) => void) {
    this.#name = name;
    this.#table = table;
    this.#state = initial;
    this.#onChange = onChange;
  }

  get state(): S {
    return this.#state;
  }

  can(to: S): boolean {
    return this.#table[this.#state].includes(to);
  }

  /** Moves to `to`; throws IllegalTransitionError when the table does not allow it. */
  transition(to: S): void {
    const from = this.#state;
    if (!this.#table[from].includes(to)) throw new IllegalTransitionError(this.#name, from, to);
    this.#state = to;
    this.#onChange?.(from, to);
  }

  is(...states: S[]): boolean {
    return states.includes(this.#state);
  }
}
