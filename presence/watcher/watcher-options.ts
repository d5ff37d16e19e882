/**
 * Tunables of the watcher, their defaults and their validation (every problem listed at once).
 */
import { WatcherError } from './errors.js';
import type { RefreshPolicy, RetryPolicy } from './policy/retry-policy.js';

export interface WatcherOptions {
  /** Expires asked for in SUBSCRIBE; RFC 3856 §6.4 suggests 3600 s as the default duration. */
  readonly expiresS: number;
  readonly refresh: RefreshPolicy;
  readonly retry: RetryPolicy;
  /** RFC 6665 §4.1.2.4 Timer N (64·T1): no NOTIFY this long after SUBSCRIBE → the attempt failed. */
  readonly notifyWaitMs: number;
  /** Largest NOTIFY body accepted; larger ones get 413. */
  readonly maxBodyBytes: number;
}

export const DEFAULT_WATCHER_OPTIONS: WatcherOptions = Object.freeze({
  expiresS: 3600,
  refresh: Object.freeze({ minFraction: 0.8, maxFraction: 0.9 }),
  retry: Object.freeze({ baseDelayMs: 1000, maxDelayMs: 60000, maxImmediateRetries: 3 }),
  notifyWaitMs: 64 * 500,
  maxBodyBytes: 64 * 1024,
});

export interface WatcherOptionsInput {
  readonly expiresS?: number;
  readonly refresh?: Partial<RefreshPolicy>;
  readonly retry?: Partial<RetryPolicy>;
  readonly notifyWaitMs?: number;
  readonly maxBodyBytes?: number;
}

function problems(o: WatcherOptions): string[] {
  const out: string[] = [];
  const positiveInt = (name: string, v: number): void => {
    if (!Number.isInteger(v) || v <= 0) out.push(`${name} must be a positive integer (got ${v})`);
  };
  positiveInt('expiresS', o.expiresS);
  positiveInt('notifyWaitMs', o.notifyWaitMs);
  positiveInt('maxBodyBytes', o.maxBodyBytes);
  positiveInt('retry.baseDelayMs', o.retry.baseDelayMs);
  positiveInt('retry.maxDelayMs', o.retry.maxDelayMs);
  if (!Number.isInteger(o.retry.maxImmediateRetries) || o.retry.maxImmediateRetries < 0) {
    out.push(`retry.maxImmediateRetries must be an integer >= 0 (got ${o.retry.maxImmediateRetries})`);
  }
  if (o.retry.maxDelayMs < o.retry.baseDelayMs) out.push('retry.maxDelayMs must be >= retry.baseDelayMs');
  const { minFraction, maxFraction } = o.refresh;
  if (!(minFraction > 0 && minFraction <= maxFraction && maxFraction < 1)) {
    out.push(`refresh fractions must satisfy 0 < min <= max < 1 (got ${minFraction}, ${maxFraction})`);
  }
  return out;
}

/** Merges `input` over the defaults, validates, and freezes the result. */
export function resolveWatcherOptions(input: WatcherOptionsInput = {}): WatcherOptions {
  const o: WatcherOptions = {
    expiresS: input.expiresS ?? DEFAULT_WATCHER_OPTIONS.expiresS,
    refresh: Object.freeze({ ...DEFAULT_WATCHER_OPTIONS.refresh, ...input.refresh }),
    retry: Object.freeze({ ...DEFAULT_WATCHER_OPTIONS.retry, ...input.retry }),
    notifyWaitMs: input.notifyWaitMs ?? DEFAULT_WATCHER_OPTIONS.notifyWaitMs,
    maxBodyBytes: input.maxBodyBytes ?? DEFAULT_WATCHER_OPTIONS.maxBodyBytes,
  };
  const found = problems(o);
  if (found.length > 0) throw new WatcherError('invalid-watcher-option', found.join('; '));
  return Object.freeze(o);
}
