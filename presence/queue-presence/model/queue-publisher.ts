/**
 * Publishes one presence URI's document to an external presence server (RFC 3903), driving the
 * state machine of publication-state.ts on the injected clock:
 * - `start()`: the initial PUBLISH with the document (§4.2); the server's SIP-ETag is kept;
 * - before the publication expires (at 85 % of the granted Expires, at least 5 s early), a refresh
 *   with SIP-If-Match and no body (§4.3);
 * - `changed()`: a modify with SIP-If-Match and the new document (§4.4), at most one per
 *   `minIntervalMs` (changes in between are coalesced), and none when the document is unchanged;
 * - 412 (§6 step 4: the server forgot our entity-tag) → a fresh initial PUBLISH at once;
 *   423 → again with the Min-Expires; any other failure → retry after a backoff (1 s doubling to
 *   60 s, or the server's Retry-After);
 * - `close()`: remove with Expires: 0 and SIP-If-Match (§4.5), after the PUBLISH in flight; each
 *   wait is bounded (`closeWaitMs`), so a dead server cannot hold up patchbay's shutdown.
 * No SIP here: requests go through a PublishChannel.
 */
import type { Clock, TimerHandle } from '../../../sip-engine/util/clock.js';
import { silentLogger } from '../../server/ports.js';
import type { PresenceLogger } from '../../server/ports.js';
import type { NotifyContent } from './queue-notifier.js';
import { publicationTransition } from './publication-state.js';
import type {
  PublicationEvent,
  PublicationState,
  PublishAnswer,
  PublishChannel,
  PublishKind,
} from './publication-state.js';

export interface QueuePublisherOptions {
  readonly clock: Clock;
  readonly channel: PublishChannel;
  /** The document to publish now (with its entity-tag, to tell changes apart). */
  readonly content: () => NotifyContent;
  readonly expiresS: number;
  /** Least time between two PUBLISHes carrying a changed document. */
  readonly minIntervalMs: number;
  /** How long close() waits for a PUBLISH in flight before giving up on it (default 2 s). */
  readonly closeWaitMs?: number;
  readonly log?: PresenceLogger;
}

export interface QueuePublisherView {
  readonly state: PublicationState;
  /** The server's entity-tag of our publication (SIP-ETag of the last 2xx). */
  readonly etag: string | undefined;
  readonly expiresS: number;
  readonly sent: Readonly<Record<PublishKind, number>>;
  readonly preconditionFailures: number;
  readonly failures: number;
}

const MAX_BACKOFF_MS = 60_000;

export class QueuePublisher {
  readonly #o: QueuePublisherOptions;
  readonly #log: PresenceLogger;
  #state: PublicationState = 'unpublished';
  #etag: string | undefined;
  #expiresS: number;
  /** Entity-tag of the document the server holds (NotifyContent.etag), to skip unchanged ones. */
  #publishedDoc: string | undefined;
  #lastBodyAtMs = Number.NEGATIVE_INFINITY;
  /** The refresh before expiry (while published). */
  #refresh: TimerHandle | undefined;
  /** A rate-limited modify, or the retry after a failure. */
  #pace: TimerHandle | undefined;
  #dirty = false;
  #backoffMs = 1000;
  #inFlight: Promise<void> = Promise.resolve();
  readonly #sent: Record<PublishKind, number> = { initial: 0, refresh: 0, modify: 0, remove: 0 };
  #preconditionFailures = 0;
  #failures = 0;

  constructor(o: QueuePublisherOptions) {
    this.#o = o;
    this.#log = o.log ?? silentLogger;
    this.#expiresS = o.expiresS;
  }

  view(): QueuePublisherView {
    return {
      state: this.#state,
      etag: this.#etag,
      expiresS: this.#expiresS,
      sent: { ...this.#sent },
      preconditionFailures: this.#preconditionFailures,
      failures: this.#failures,
    };
  }

  start(): void {
    if (this.#state === 'unpublished') this.#send('initial');
  }

  /** The document may have changed. */
  changed(): void {
    if (this.#state === 'publishing') {
      this.#dirty = true;
      return;
    }
    if (this.#state !== 'published') return; // backoff retries with the document as it is then
    if (this.#o.content().etag === this.#publishedDoc) return;
    const dueAt = this.#lastBodyAtMs + this.#o.minIntervalMs;
    const now = this.#o.clock.now();
    if (dueAt <= now) return this.#send('modify');
    if (this.#pace === undefined) this.#pace = this.#after(dueAt - now, () => this.changed());
  }

  /** RFC 3903 §4.5: remove the publication (Expires: 0), then stop. */
  async close(): Promise<void> {
    this.#cancelTimers();
    await this.#settled(this.#o.closeWaitMs ?? 2000);
    this.#cancelTimers();
    if (this.#state === 'closed' || this.#state === 'removing') return;
    const etag = this.#etag;
    const from = this.#state;
    this.#move('close');
    // From backoff or unpublished there is nothing known to remove (it expires at the server).
    if (etag === undefined || from !== 'published') return;
    this.#sent.remove++;
    const removal = this.#o.channel
      .publish({ kind: 'remove', etag, expiresS: 0 })
      .catch((err: unknown): PublishAnswer => ({ kind: 'failed', ...{ err } }));
    const answer = await this.#within(removal, this.#o.closeWaitMs ?? 2000);
    if (answer?.kind !== 'accepted') this.#log.warn({ answer }, 'PUBLISH remove not accepted');
    this.#move('removed');
  }

  /** The PUBLISH in flight answered, or `ms` passed. */
  async #settled(ms: number): Promise<void> {
    if (this.#state === 'publishing') await this.#within(this.#inFlight, ms);
  }

  /** `p`'s value, or undefined once `ms` passed on the clock. */
  #within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
    return new Promise((resolve) => {
      const timer = this.#o.clock.setTimer(() => resolve(undefined), ms);
      void p.then((v) => {
        timer.cancel();
        resolve(v);
      });
    });
  }

  #move(event: PublicationEvent): void {
    this.#state = publicationTransition(this.#state, event);
  }

  #cancelTimers(): void {
    this.#refresh?.cancel();
    this.#pace?.cancel();
    this.#refresh = this.#pace = undefined;
  }

  /** A timer that forgets itself before running `fn`. */
  #after(ms: number, fn: () => void): TimerHandle {
    const handle = this.#o.clock.setTimer(() => {
      if (this.#refresh === handle) this.#refresh = undefined;
      if (this.#pace === handle) this.#pace = undefined;
      fn();
    }, ms);
    return handle;
  }

  #send(kind: Exclude<PublishKind, 'remove'>): void {
    this.#cancelTimers();
    this.#move('send');
    this.#dirty = false;
    const content = kind === 'refresh' ? undefined : this.#o.content();
    const request = {
      kind,
      ...(kind !== 'initial' && this.#etag !== undefined ? { etag: this.#etag } : {}),
      expiresS: this.#expiresS,
      ...(content !== undefined ? { body: content.body } : {}),
    };
    this.#sent[kind]++;
    if (content !== undefined) this.#lastBodyAtMs = this.#o.clock.now();
    this.#inFlight = this.#o.channel.publish(request).then(
      (answer) => this.#answered(kind, content, answer),
      (err: unknown) => this.#answered(kind, content, { kind: 'failed', ...{ err } }),
    );
  }

  #answered(kind: PublishKind, content: NotifyContent | undefined, a: PublishAnswer): void {
    if (this.#state !== 'publishing') return;
    switch (a.kind) {
      case 'accepted':
        this.#move('accepted');
        this.#etag = a.etag;
        if (content !== undefined) this.#publishedDoc = content.etag;
        this.#backoffMs = 1000;
        this.#armRefresh(a.expiresS > 0 ? a.expiresS : this.#expiresS);
        if (this.#dirty || this.#o.content().etag !== this.#publishedDoc) this.changed();
        return;
      case 'precondition-failed': // RFC 3903 §4.4 / §6 step 4: start over
        this.#preconditionFailures++;
        this.#move('precondition-failed');
        this.#etag = undefined;
        this.#publishedDoc = undefined;
        this.#log.info({ kind }, 'PUBLISH got 412: publishing anew');
        return this.#send('initial');
      case 'interval-too-brief': // RFC 3903 §6 step 5
        this.#expiresS = Math.max(this.#expiresS, a.minExpiresS);
        return this.#retry(0);
      case 'failed':
        this.#failures++;
        this.#log.warn({ kind, status: a.status }, 'PUBLISH failed');
        return this.#retry(a.retryAfterS !== undefined ? a.retryAfterS * 1000 : this.#backoffMs);
    }
  }

  #retry(delayMs: number): void {
    this.#move('failed');
    this.#backoffMs = Math.min(MAX_BACKOFF_MS, this.#backoffMs * 2);
    this.#pace = this.#after(delayMs, () => {
      if (this.#etag === undefined) return this.#send('initial');
      this.#send(this.#o.content().etag === this.#publishedDoc ? 'refresh' : 'modify');
    });
  }

  /** RFC 3903 §4.3: refresh before the granted Expires runs out. */
  #armRefresh(grantedS: number): void {
    const ms = grantedS * 1000;
    const early = Math.max(5000, ms * 0.15);
    this.#refresh = this.#after(Math.max(1000, ms - early), () => {
      if (this.#state === 'published') this.#send('refresh');
    });
  }
}
