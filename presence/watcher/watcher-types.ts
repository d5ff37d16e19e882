/**
 * What the watcher reports besides presence: subscription status changes, and the logger slice it
 * writes to. No SIP types.
 */
import type { SubscriptionState } from './model/subscription-fsm.js';

export interface SubscriptionStatus {
  readonly uri: string;
  readonly state: SubscriptionState;
  /** Why it entered the state: a termination reason (`deactivated`, `rejected`…), a failure, `stopped`. */
  readonly reason?: string;
  /** What led to it, when `reason` alone does not say (e.g. `subscribe-failed:403` for `rejected`). */
  readonly detail?: string;
  /** In `waiting-retry`: delay until the next SUBSCRIBE. */
  readonly retryInMs?: number;
  /** Wall-clock ms (injected clock). */
  readonly at: number;
}

/** The slice of a pino logger the watcher uses. */
export interface WatcherLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}
