/**
 * Stateless Digest nonces and the bounded nonce-count (nc) replay cache.
 *
 * A nonce is base64url( issuedAtMs (8 bytes, big-endian) ‖ random (12) ‖ HMAC-SHA-256(secret,
 * "nonce" ‖ realm ‖ the first 20 bytes) truncated to 16 ). Any instance that shares the secret can
 * check it and read its age without server state, so an expired nonce with a valid digest is
 * answered `stale=true` (RFC 7616 §3.3). The opaque value is an HMAC of the nonce, so it is also
 * checked without state (RFC 7616 §3.3: returned unchanged by the client).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TIME_BYTES = 8;
const RANDOM_BYTES = 12;
const MAC_BYTES = 16;
const NONCE_BYTES = TIME_BYTES + RANDOM_BYTES + MAC_BYTES;

export type NonceCheck =
  | { readonly valid: false }
  | { readonly valid: true; readonly issuedAtMs: number; readonly expired: boolean };

export class NonceIssuer {
  readonly #secret: Buffer;
  readonly #realm: string;
  readonly #ttlMs: number;
  readonly #skewMs: number;

  constructor(secret: Uint8Array | string, realm: string, ttlMs: number, skewMs = 5_000) {
    this.#secret = Buffer.from(secret);
    if (this.#secret.length < 16) throw new RangeError('the nonce secret must be at least 16 bytes');
    this.#realm = realm;
    this.#ttlMs = ttlMs;
    this.#skewMs = skewMs;
  }

  #mac(label: string, data: Uint8Array, bytes: number): Buffer {
    return createHmac('sha256', this.#secret)
      .update(label)
      .update('\0')
      .update(this.#realm)
      .update('\0')
      .update(data)
      .digest()
      .subarray(0, bytes);
  }

  issue(nowMs: number): string {
    const head = Buffer.alloc(TIME_BYTES + RANDOM_BYTES);
    head.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(nowMs))), 0);
    randomBytes(RANDOM_BYTES).copy(head, TIME_BYTES);
    return Buffer.concat([head, this.#mac('nonce', head, MAC_BYTES)]).toString('base64url');
  }

  check(nonce: string, nowMs: number): NonceCheck {
    if (!/^[A-Za-z0-9_-]+$/.test(nonce)) return { valid: false };
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== NONCE_BYTES) return { valid: false };
    const head = raw.subarray(0, TIME_BYTES + RANDOM_BYTES);
    if (!timingSafeEqual(raw.subarray(TIME_BYTES + RANDOM_BYTES), this.#mac('nonce', head, MAC_BYTES))) {
      return { valid: false };
    }
    const issuedAtMs = Number(raw.readBigUInt64BE(0));
    if (issuedAtMs > nowMs + this.#skewMs) return { valid: false };
    return { valid: true, issuedAtMs, expired: nowMs - issuedAtMs > this.#ttlMs };
  }

  opaqueFor(nonce: string): string {
    return this.#mac('opaque', Buffer.from(nonce), MAC_BYTES).toString('base64url');
  }

  opaqueMatches(nonce: string, opaque: string): boolean {
    const want = Buffer.from(this.opaqueFor(nonce));
    const got = Buffer.from(opaque);
    return got.length === want.length && timingSafeEqual(got, want);
  }
}

export type NonceCountVerdict = 'fresh' | 'replay' | 'forgotten';

/**
 * RFC 7616 §3.4 (nc): the count of requests the client sent with a nonce; a count not above the
 * highest seen is a replay. The cache is bounded: when full, the oldest nonce is forgotten and the
 * issue time of every forgotten nonce raises a floor. A nonce issued at or before the floor that
 * is not in the cache may have been forgotten, so it is answered "forgotten" (the caller sends
 * stale=true and the client retries with a new nonce) instead of trusting its count.
 */
export class NonceCountCache {
  readonly #max: number;
  readonly #seen = new Map<string, { issuedAtMs: number; nc: number }>();
  #floorMs = -1;

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError('maxEntries must be a positive integer');
    this.#max = maxEntries;
  }

  get size(): number {
    return this.#seen.size;
  }

  /** Records `nc` for `nonce` unless it is a replay. */
  use(nonce: string, issuedAtMs: number, nc: number): NonceCountVerdict {
    const entry = this.#seen.get(nonce);
    if (entry === undefined) {
      if (issuedAtMs <= this.#floorMs) return 'forgotten';
      this.#seen.set(nonce, { issuedAtMs, nc });
      this.#evict();
      return 'fresh';
    }
    if (nc <= entry.nc) return 'replay';
    entry.nc = nc;
    return 'fresh';
  }

  #evict(): void {
    for (const [nonce, entry] of this.#seen) {
      if (this.#seen.size <= this.#max) return;
      this.#seen.delete(nonce);
      this.#floorMs = Math.max(this.#floorMs, entry.issuedAtMs);
    }
  }
}
