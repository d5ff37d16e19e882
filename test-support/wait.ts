/** Waiting for a state with a deadline: never a bare sleep as synchronisation. */
import type { EventEmitter } from 'node:events';

export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/** Polls `check` (sync or async) until it returns a value other than undefined/false, or the deadline passes. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10000);
  const interval = opts.intervalMs ?? 10;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new DeadlineError(`timed out waiting for ${opts.what ?? 'condition'}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Resolves with the args of the next `event` on `emitter` that passes `filter`, or rejects at the deadline. */
export function nextEvent<A extends unknown[]>(
  emitter: EventEmitter,
  event: string,
  opts: { timeoutMs?: number; filter?: (...args: A) => boolean } = {},
): Promise<A> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, on);
      reject(new DeadlineError(`timed out waiting for event '${event}'`));
    }, opts.timeoutMs ?? 10000);
    const on = (...args: unknown[]): void => {
      if (opts.filter && !opts.filter(...(args as A))) return;
      clearTimeout(timer);
      emitter.off(event, on);
      resolve(args as A);
    };
    emitter.on(event, on);
  });
}
