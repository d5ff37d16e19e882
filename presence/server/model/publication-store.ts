/**
 * The publication store of the Event State Compositor (RFC 3903 §6): per presentity, the set of
 * publications keyed by their current entity-tag. Every operation moves one publication through
 * the state machine of publication.ts; expiry runs on timers of the injected clock. Pure apart from
 * the clock: no SIP, no I/O. Listeners hear every change of published state (a refresh changes no
 * state and is not reported).
 */
import { randomBytes } from 'node:crypto';
import type { PidfDocument } from '../../codecs/pidf-types.js';
import type { Clock, TimerHandle } from '../../../sip-engine/util/clock.js';
import { PresenceServerError } from '../errors.js';
import type { Unsubscribe } from '../ports.js';
import { publicationTransition } from './publication.js';
import type { PublicationEvent, PublicationState } from './publication.js';

export interface StoredPublication {
  readonly presentity: string;
  readonly etag: string;
  readonly state: PublicationState;
  readonly document: PidfDocument;
  readonly expiresAtMs: number;
  /** Order of the last change of its state (initial publication or modification): newer wins. */
  readonly seq: number;
}

interface Entry {
  presentity: string;
  etag: string;
  state: PublicationState;
  document: PidfDocument;
  expiresAtMs: number;
  seq: number;
  timer: TimerHandle | undefined;
}

export type PublishResult =
  | { readonly ok: true; readonly etag: string; readonly expiresS: number }
  | { readonly ok: false; readonly reason: 'unknown-etag' };

export type PublicationChangeCause = 'published' | 'modified' | 'removed' | 'expired' | 'evicted';

export interface PublicationChange {
  readonly presentity: string;
  readonly cause: PublicationChangeCause;
  readonly etag: string;
}

export interface PublicationStoreOptions {
  readonly clock: Clock;
  readonly maxPerPresentity: number;
  /** Entity-tag generator; by default 96 random bits, base64url (RFC 3903 §8.3: unique, unguessable). */
  readonly newEtag?: () => string;
}

const UNKNOWN: PublishResult = { ok: false, reason: 'unknown-etag' };

const randomEtag = (): string => randomBytes(12).toString('base64url');

export class PublicationStore {
  readonly #clock: Clock;
  readonly #max: number;
  readonly #newEtag: () => string;
  readonly #byPresentity = new Map<string, Map<string, Entry>>();
  readonly #listeners = new Set<(change: PublicationChange) => void>();
  #seq = 0;

  constructor(options: PublicationStoreOptions) {
    this.#clock = options.clock;
    this.#max = options.maxPerPresentity;
    this.#newEtag = options.newEtag ?? randomEtag;
  }

  /** RFC 3903 §6 step 3: does SIP-If-Match name a publication of this presentity? */
  has(presentity: string, etag: string): boolean {
    return this.#byPresentity.get(presentity)?.has(etag) === true;
  }

  /** RFC 3903 §4.2 / §6 step 5: an initial publication (no SIP-If-Match) with a body. */
  publish(presentity: string, document: PidfDocument, expiresS: number): PublishResult {
    requirePositive(expiresS);
    const set = this.#setOf(presentity);
    const entry: Entry = {
      presentity,
      etag: '',
      state: 'active',
      document,
      expiresAtMs: 0,
      seq: 0,
      timer: undefined,
    };
    this.#stamp(entry, expiresS, true);
    this.#evictBeyondLimit(set);
    this.#emit({ presentity, cause: 'published', etag: entry.etag });
    return { ok: true, etag: entry.etag, expiresS };
  }

  /** RFC 3903 §4.3: refresh (no body): new entity-tag and expiry, same state; no change reported. */
  refresh(presentity: string, etag: string, expiresS: number): PublishResult {
    requirePositive(expiresS);
    const entry = this.#move(presentity, etag, 'refresh');
    if (!entry) return UNKNOWN;
    this.#stamp(entry, expiresS, false);
    return { ok: true, etag: entry.etag, expiresS };
  }

  /** RFC 3903 §4.4: modify (body + SIP-If-Match): replaces the state, new entity-tag and expiry. */
  modify(presentity: string, etag: string, document: PidfDocument, expiresS: number): PublishResult {
    requirePositive(expiresS);
    const entry = this.#move(presentity, etag, 'modify');
    if (!entry) return UNKNOWN;
    entry.document = document;
    this.#stamp(entry, expiresS, true);
    this.#emit({ presentity, cause: 'modified', etag: entry.etag });
    return { ok: true, etag: entry.etag, expiresS };
  }

  /** RFC 3903 §4.5: removal (Expires: 0 + SIP-If-Match): the state is dropped at once. */
  remove(presentity: string, etag: string): PublishResult {
    const entry = this.#move(presentity, etag, 'remove');
    if (!entry) return UNKNOWN;
    this.#drop(entry);
    this.#emit({ presentity, cause: 'removed', etag });
    return { ok: true, etag, expiresS: 0 };
  }

  /** Active publications of a presentity, oldest state first. */
  publications(presentity: string): StoredPublication[] {
    const set = this.#byPresentity.get(presentity);
    if (!set) return [];
    return [...set.values()].sort((a, b) => a.seq - b.seq).map((e) => snapshot(e));
  }

  documents(presentity: string): PidfDocument[] {
    return this.publications(presentity).map((p) => p.document);
  }

  /** Number of active publications, all presentities together. */
  get size(): number {
    let n = 0;
    for (const set of this.#byPresentity.values()) n += set.size;
    return n;
  }

  onChange(listener: (change: PublicationChange) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Cancels every timer and forgets all state (no change is reported). */
  close(): void {
    for (const set of this.#byPresentity.values()) for (const e of set.values()) e.timer?.cancel();
    this.#byPresentity.clear();
    this.#listeners.clear();
  }

  #setOf(presentity: string): Map<string, Entry> {
    let set = this.#byPresentity.get(presentity);
    if (!set) {
      set = new Map();
      this.#byPresentity.set(presentity, set);
    }
    return set;
  }

  /** Looks the entity-tag up and applies `event` (the FSM rejects moves of a final publication). */
  #move(presentity: string, etag: string, event: PublicationEvent): Entry | undefined {
    const entry = this.#byPresentity.get(presentity)?.get(etag);
    if (!entry) return undefined;
    entry.state = publicationTransition(entry.state, event);
    return entry;
  }

  /** RFC 3903 §6 step 5: a new entity-tag for every successful publication, and a new expiry timer. */
  #stamp(entry: Entry, expiresS: number, changed: boolean): void {
    const set = this.#setOf(entry.presentity);
    set.delete(entry.etag);
    entry.etag = this.#uniqueEtag(set);
    set.set(entry.etag, entry);
    if (changed) entry.seq = ++this.#seq;
    entry.timer?.cancel();
    entry.expiresAtMs = this.#clock.now() + expiresS * 1000;
    entry.timer = this.#clock.setTimer(() => this.#expire(entry), expiresS * 1000);
  }

  #uniqueEtag(set: Map<string, Entry>): string {
    for (;;) {
      const etag = this.#newEtag();
      if (!set.has(etag)) return etag;
    }
  }

  #expire(entry: Entry): void {
    if (entry.state !== 'active' || !this.has(entry.presentity, entry.etag)) return;
    entry.state = publicationTransition(entry.state, 'expire');
    this.#drop(entry);
    this.#emit({ presentity: entry.presentity, cause: 'expired', etag: entry.etag });
  }

  /** Beyond maxPerPresentity the oldest publication goes (a phone that lost its entity-tag). */
  #evictBeyondLimit(set: Map<string, Entry>): void {
    while (set.size > this.#max) {
      const oldest = [...set.values()].reduce((a, b) => (b.seq < a.seq ? b : a));
      oldest.state = publicationTransition(oldest.state, 'remove');
      this.#drop(oldest);
      this.#emit({ presentity: oldest.presentity, cause: 'evicted', etag: oldest.etag });
    }
  }

  #drop(entry: Entry): void {
    entry.timer?.cancel();
    entry.timer = undefined;
    const set = this.#byPresentity.get(entry.presentity);
    set?.delete(entry.etag);
    if (set?.size === 0) this.#byPresentity.delete(entry.presentity);
  }

  #emit(change: PublicationChange): void {
    for (const l of [...this.#listeners]) l(change);
  }
}

function requirePositive(expiresS: number): void {
  if (!Number.isInteger(expiresS) || expiresS <= 0) {
    throw new PresenceServerError(
      'invalid-argument',
      `publication expiry must be a whole number > 0 (got ${expiresS})`,
    );
  }
}

function snapshot(e: Entry): StoredPublication {
  return {
    presentity: e.presentity,
    etag: e.etag,
    state: e.state,
    document: e.document,
    expiresAtMs: e.expiresAtMs,
    seq: e.seq,
  };
}
