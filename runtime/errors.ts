/** Named errors of the composition root; `code` is stable, `cause` carries the underlying error. */
import { inspect } from 'node:util';

/** The start-up steps of {@link startPatchbay}, in order. */
export const STARTUP_STEPS = [
  'storage',
  'bus',
  'agents',
  'gateways',
  'sip-engine',
  'router',
  'http',
] as const;
export type StartupStep = (typeof STARTUP_STEPS)[number];

/** A start-up step failed; everything started before it has been stopped again. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
  readonly code = 'startup-failed';
  readonly step: StartupStep;

  constructor(step: StartupStep, message: string, options?: { cause?: unknown }) {
    super(`${step}: ${message}`, options);
    this.step = step;
  }
}

/** The shutdown state machine was asked for a move it does not allow (a programming error). */
export class IllegalShutdownTransitionError extends Error {
  override readonly name = 'IllegalShutdownTransitionError';
  readonly code = 'illegal-transition';
}

/** The first line of an error's message, then the messages of its causes (`a: b: c`). */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur !== undefined && depth < 4; depth++) {
    const msg = cur instanceof Error ? cur.message : typeof cur === 'string' ? cur : inspect(cur);
    if (!parts.some((p) => p.includes(msg))) parts.push(msg);
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join(': ');
}
