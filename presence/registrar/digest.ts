/**
 * Server side of SIP Digest authentication: RFC 3261 §22.4 as updated by RFC 8760 (SHA-256,
 * mandatory qop) over RFC 7616. Pure computation with node:crypto; time comes from an injected
 * clock (wall time, because nonces must stay valid across instances and restarts).
 *
 * - {@link DigestAuthenticator.challenge}: WWW-Authenticate values, one per algorithm, most
 *   preferred (SHA-256) first — RFC 8760 §2.3 (UAS) / §2.4 (the UAC uses the topmost it supports)
 *   and RFC 7616 §3.7.
 * - {@link DigestAuthenticator.verify}: checks an Authorization value against the stored HA1 for
 *   its algorithm. An unknown user (`ha1` undefined) runs the same computation against a random
 *   dummy HA1, and gets the same verdict ("invalid") as a wrong password, so neither the answer nor
 *   its timing tells whether the user exists.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../sip-engine/util/clock.js';
import { NonceCountCache, NonceIssuer } from './digest-nonce.js';
import { formatChallenge, parseDigestCredentials } from './digest-params.js';
import type { DigestCredentials } from './digest-params.js';

/** RFC 8760 §2.1 / RFC 7616 §3.2 algorithm tokens supported here ("-sess" variants are not). */
export type DigestAlgorithm = 'SHA-256' | 'MD5';

/** Stored credentials: HA1 = H(username ":" realm ":" password) per algorithm, lowercase hex. */
export interface StoredHa1 {
  readonly md5?: string;
  readonly sha256?: string;
}

const NODE_HASH: Readonly<Record<DigestAlgorithm, string>> = { 'SHA-256': 'sha256', MD5: 'md5' };

function h(algorithm: DigestAlgorithm, data: string): string {
  return createHash(NODE_HASH[algorithm]).update(data, 'utf8').digest('hex');
}

/** RFC 7616 §3.4.2: A1 = username ":" realm ":" passwd. Used when provisioning credentials. */
export function computeHa1(
  algorithm: DigestAlgorithm,
  username: string,
  realm: string,
  password: string,
): string {
  return h(algorithm, `${username}:${realm}:${password}`);
}

export function computeStoredHa1(username: string, realm: string, password: string): StoredHa1 {
  return {
    md5: computeHa1('MD5', username, realm, password),
    sha256: computeHa1('SHA-256', username, realm, password),
  };
}

export interface ResponseInput {
  readonly algorithm: DigestAlgorithm;
  readonly ha1: string;
  readonly nonce: string;
  readonly nc: string;
  readonly cnonce: string;
  readonly qop: 'auth';
  readonly method: string;
  readonly uri: string;
}

/** RFC 7616 §3.4.1: response = KD(HA1, nonce:nc:cnonce:qop:H(A2)); §3.4.3: A2 = method:uri. */
export function computeResponse(r: ResponseInput): string {
  const ha2 = h(r.algorithm, `${r.method}:${r.uri}`);
  return h(r.algorithm, `${r.ha1}:${r.nonce}:${r.nc}:${r.cnonce}:${r.qop}:${ha2}`);
}

function storedFor(algorithm: DigestAlgorithm, stored: StoredHa1): string | undefined {
  return algorithm === 'MD5' ? stored.md5 : stored.sha256;
}

/** Compares two hex digests in constant time for equal lengths (length itself is not secret). */
function sameDigest(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'latin1');
  const b = Buffer.from(given.toLowerCase(), 'latin1');
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

export interface DigestOptions {
  readonly realm: string;
  /** HMAC key for nonces and opaque values; share it between instances of a cluster. ≥ 16 bytes. */
  readonly secret: Uint8Array | string;
  readonly clock: Pick<Clock, 'wallNow'>;
  /** Nonce lifetime; older nonces with a valid digest are answered stale=true. Default 5 min. */
  readonly nonceTtlMs?: number;
  /** Offered algorithms, most preferred first. Default SHA-256 then MD5. */
  readonly algorithms?: readonly DigestAlgorithm[];
  /** Nonces whose nc is tracked for replay detection. Default 10 000. */
  readonly maxTrackedNonces?: number;
}

export type DigestFailure =
  | 'malformed' // not parsable Digest credentials: answer 400 (RFC 7616 §3.4)
  | 'wrong-realm' // credentials for another realm
  | 'unsupported' // algorithm not offered, -sess, userhash, or no qop
  | 'invalid' // bad nonce, bad opaque, unknown user or wrong password (deliberately one reason)
  | 'stale' // right digest, expired (or forgotten) nonce
  | 'replay'; // nc not above the highest already seen for this nonce

export type DigestVerdict =
  | { readonly ok: true; readonly username: string; readonly algorithm: DigestAlgorithm }
  | { readonly ok: false; readonly reason: DigestFailure; readonly stale: boolean };

export interface VerifyInput {
  /** One `Authorization` (or `Proxy-Authorization`) header value. */
  readonly authorization: string;
  /** The request's method (RFC 3261 §22.4: A2 uses the SIP method). */
  readonly method: string;
  /** What the directory holds for the credentials' username; undefined when there is no such user. */
  readonly ha1: StoredHa1 | undefined;
}

const fail = (reason: DigestFailure, stale = false): DigestVerdict => ({ ok: false, reason, stale });

export class DigestAuthenticator {
  readonly realm: string;
  readonly #clock: Pick<Clock, 'wallNow'>;
  readonly #nonces: NonceIssuer;
  readonly #counts: NonceCountCache;
  readonly #algorithms: readonly DigestAlgorithm[];
  readonly #dummy: Readonly<Record<DigestAlgorithm, string>>;

  constructor(options: DigestOptions) {
    this.realm = options.realm;
    this.#clock = options.clock;
    this.#nonces = new NonceIssuer(options.secret, options.realm, options.nonceTtlMs ?? 300_000);
    this.#counts = new NonceCountCache(options.maxTrackedNonces ?? 10_000);
    this.#algorithms = options.algorithms ?? ['SHA-256', 'MD5'];
    if (this.#algorithms.length === 0) throw new RangeError('at least one digest algorithm is required');
    const seed = randomBytes(32).toString('hex');
    this.#dummy = { MD5: h('MD5', seed), 'SHA-256': h('SHA-256', seed) };
  }

  /** WWW-Authenticate values for a 401, one per algorithm, most preferred first (RFC 8760 §2.3). */
  challenge(options: { stale?: boolean } = {}): string[] {
    const nonce = this.#nonces.issue(this.#clock.wallNow().getTime());
    const opaque = this.#nonces.opaqueFor(nonce);
    return this.#algorithms.map((algorithm) =>
      formatChallenge({ realm: this.realm, nonce, opaque, algorithm, stale: options.stale === true }),
    );
  }

  verify(input: VerifyInput): DigestVerdict {
    const parsed = parseDigestCredentials(input.authorization);
    if (!parsed.ok) return fail('malformed');
    const c = parsed.value;
    if (c.realm !== this.realm) return fail('wrong-realm');
    const algorithm = this.#algorithmOf(c);
    if (algorithm === undefined) return fail('unsupported');
    // RFC 8760 §2.3 makes qop mandatory; only "auth" is offered. RFC 7616 §3.4: nc is 8 hex digits.
    if (c.qop?.toLowerCase() !== 'auth') return fail('unsupported');
    if (c.cnonce === undefined || c.nc === undefined || !/^[0-9a-fA-F]{8}$/.test(c.nc))
      return fail('malformed');
    const nowMs = this.#clock.wallNow().getTime();
    const nonce = this.#nonces.check(c.nonce, nowMs);
    const opaqueOk = c.opaque === undefined || this.#nonces.opaqueMatches(c.nonce, c.opaque);
    const stored = input.ha1 === undefined ? undefined : storedFor(algorithm, input.ha1);
    const ha1 = stored ?? this.#dummy[algorithm];
    const expected = computeResponse({
      algorithm,
      ha1,
      nonce: c.nonce,
      nc: c.nc,
      cnonce: c.cnonce,
      qop: 'auth',
      method: input.method,
      uri: c.uri,
    });
    const digestOk = sameDigest(expected, c.response);
    if (!digestOk || stored === undefined || !nonce.valid || !opaqueOk) return fail('invalid');
    // RFC 7616 §3.3: stale=true only when the digest was right for a nonce that is no longer valid.
    if (nonce.expired) return fail('stale', true);
    const count = this.#counts.use(c.nonce, nonce.issuedAtMs, parseInt(c.nc, 16));
    if (count === 'forgotten') return fail('stale', true);
    if (count === 'replay') return fail('replay', true);
    return { ok: true, username: c.username, algorithm };
  }

  #algorithmOf(c: DigestCredentials): DigestAlgorithm | undefined {
    if (c.userhash) return undefined;
    const given = c.algorithm.toUpperCase();
    return this.#algorithms.find((a) => a === given);
  }
}
