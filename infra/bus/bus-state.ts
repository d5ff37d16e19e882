/** Lifecycle of a bus: open → draining (drain() called) → closed. One transition function. */
import { BusError } from './types.js';

export type BusState = 'open' | 'draining' | 'closed';

const MOVES: Record<BusState, readonly BusState[]> = {
  open: ['draining'],
  draining: ['closed'],
  closed: [],
};

export function busTransition(from: BusState, to: BusState): BusState {
  if (!MOVES[from].includes(to)) throw new BusError('closed', `bus cannot go ${from} → ${to}`);
  return to;
}

/** Throws BusError 'closed' unless the bus accepts new work. */
export function assertOpen(state: BusState, what: string): void {
  if (state !== 'open') throw new BusError('closed', `cannot ${what}: the bus is ${state}`);
}

/** Runs `fn` and turns a synchronous throw into a rejected promise (so callers see one failure path). */
export function promised<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
