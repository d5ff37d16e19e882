/**
 * Per-source token buckets: each source IP may send `ratePerSecond` requests per second on average,
 * with a burst of one second's worth. Memory is bounded: at most `maxSources` buckets are kept (the
 * oldest is forgotten first), and full buckets are swept out since they carry no state.
 */
import type { Clock } from '../util/clock.js';

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

export class SourceRateLimiter {
  readonly #ratePerSecond: number;
  readonly #clock: Clock;
  readonly #maxSources: number;
  readonly #buckets = new Map<string, Bucket>();
  #lastSweepMs: number;

  /** `ratePerSecond` 0 disables limiting. */
  constructor(ratePerSecond: number, clock: Clock, maxSources = 100_000) {
    this.#ratePerSecond = ratePerSecond;
    this.#clock = clock;
    this.#maxSources = maxSources;
    this.#lastSweepMs = clock.now();
  }

  /** Number of sources currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token for `source`; false means "over the limit: drop". */
  allow(source: string): boolean {
    if (this.#ratePerSecond <= 0) return true;
    const now = this.#clock.now();
    this.#sweep(now);
    let bucket = this.#buckets.get(source);
    if (!bucket) {
      if (this.#buckets.size >= this.#maxSources) this.#evictOldest();
      bucket = { tokens: this.#ratePerSecond, updatedAtMs: now };
      this.#buckets.set(source, bucket);
    } else {
      this.#refill(bucket, now);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  #refill(bucket: Bucket, now: number): void {
    const elapsedS = Math.max(0, now - bucket.updatedAtMs) / 1000;
    bucket.tokens = Math.min(this.#ratePerSecond, bucket.tokens + elapsedS * this.#ratePerSecond);
    bucket.updatedAtMs = now;
  }

  /** Every 10 s, forget buckets that have refilled completely (indistinguishable from new ones). */
  #sweep(now: number): void {
    if (now - this.#lastSweepMs < 10_000) return;
    this.#lastSweepMs = now;
    for (const [key, bucket] of this.#buckets) {
      this.#refill(bucket, now);
      if (bucket.tokens >= this.#ratePerSecond) this.#buckets.delete(key);
    }
  }

  #evictOldest(): void {
    const oldest = this.#buckets.keys().next();
    if (!oldest.done) this.#buckets.delete(oldest.value);
  }
}
