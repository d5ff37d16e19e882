/**
 * The notifier of queue presence (RFC 6665 §4.2): every subscription is a state machine
 * (queue-subscription.ts) with an expiry timer on the injected clock and a NOTIFY channel from the
 * SIP layer. On top of RFC 6665's "one NOTIFY outstanding" rule:
 * - RFC 6446 rate control: changes within the min-interval are coalesced into one NOTIFY at its
 *   end (with the state as it is then); a max-interval sends the state even without a change.
 *   The NOTIFYs answering a SUBSCRIBE (initial, refresh) go at once (RFC 6665 §4.2.1.2).
 * - RFC 5839 conditional notification: every NOTIFY carries the entity-tag of its body in SIP-ETag;
 *   a NOTIFY whose body equals the last one sent is not sent at all; a refresh whose
 *   Suppress-If-Match names the current entity-tag is answered without a NOTIFY.
 * - RFC 5025 polite blocking: a `pending` subscription gets one bodiless `pending` NOTIFY, then is
 *   ended with `terminated;reason=rejected`.
 * No SIP here: bodies come from `content`, NOTIFYs go through NotifyChannel.
 */
import type { Clock, TimerHandle } from '../../../sip-engine/util/clock.js';
import { PIDF_CONTENT_TYPE } from '../../codecs/pidf.js';
import { silentLogger } from '../../server/ports.js';
import type { NotifyChannel, NotifyMessage, NotifyResult, PresenceLogger } from '../../server/ports.js';
import { QueuePresenceError } from '../errors.js';
import { nextNotifyAtMs, rateStateParams } from '../policy/rate-control.js';
import type { RatePlan } from '../policy/rate-control.js';
import { queueSubscriptionTransition, terminationReasonOf } from './queue-subscription.js';
import type { QueueSubscriptionState, TerminationReason } from './queue-subscription.js';

export interface NotifyContent {
  readonly body: string;
  /** RFC 5839 entity-tag of the body. */
  readonly etag: string;
}

export interface QueueSubscriptionParams {
  /** RFC 6665 §4.4.1: dialog (Call-ID, tags) and Event id. */
  readonly key: string;
  /** The presence resource (queue or service) watched. */
  readonly resource: string;
  readonly watcher: string;
  /** Which rendering of the resource this watcher gets (e.g. its URI and note language); opaque here. */
  readonly variant: string;
  readonly expiresS: number;
  readonly plan: RatePlan;
  readonly channel: NotifyChannel;
  /** Politely blocked (RFC 5025): pending, then rejected. */
  readonly blocked?: boolean;
}

export interface QueueSubscriptionView {
  readonly key: string;
  readonly resource: string;
  readonly watcher: string;
  readonly state: QueueSubscriptionState;
  readonly expiresAtMs: number;
  readonly notifications: number;
}

/** Hears a subscription's refreshes and its end (e.g. to keep it in a database). */
export interface QueueSubscriptionObserver {
  refreshed(key: string, expiresS: number): void;
  ended(key: string): void;
}

export interface QueueNotifierOptions {
  readonly clock: Clock;
  readonly observer?: QueueSubscriptionObserver;
  readonly content: (resource: string, variant: string) => NotifyContent;
  readonly log?: PresenceLogger;
  /** How long a final NOTIFY may stay unanswered (default Timer F + margin, 40 s). */
  readonly guardMs?: number;
}

interface Sub {
  readonly p: QueueSubscriptionParams;
  state: QueueSubscriptionState;
  reason: TerminationReason;
  expiresAtMs: number;
  expiry: TimerHandle | undefined;
  pace: TimerHandle | undefined;
  paceAtMs: number;
  lastSentAtMs: number;
  lastEtag: string | undefined;
  /** The next NOTIFY answers a SUBSCRIBE or a max-interval: send it even if unchanged, at once. */
  force: boolean;
  inFlight: boolean;
  again: boolean;
  finalSent: boolean;
  notifications: number;
}

export class QueueNotifier {
  readonly #o: QueueNotifierOptions;
  readonly #log: PresenceLogger;
  readonly #subs = new Map<string, Sub>();
  readonly #byResource = new Map<string, Set<Sub>>();
  readonly #sending = new Set<Promise<void>>();

  constructor(options: QueueNotifierOptions) {
    this.#o = options;
    this.#log = options.log ?? silentLogger;
  }

  /** RFC 6665 §4.2.1.2: the subscription's first NOTIFY goes at once. */
  accept(p: QueueSubscriptionParams): QueueSubscriptionView {
    if (this.#subs.has(p.key))
      throw new QueuePresenceError('invalid-argument', `subscription ${p.key} exists`);
    const sub: Sub = {
      p,
      state: p.blocked === true ? 'pending' : 'active',
      reason: 'timeout',
      expiresAtMs: 0,
      expiry: undefined,
      pace: undefined,
      paceAtMs: 0,
      lastSentAtMs: Number.NEGATIVE_INFINITY,
      lastEtag: undefined,
      force: true,
      inFlight: false,
      again: false,
      finalSent: false,
      notifications: 0,
    };
    this.#subs.set(p.key, sub);
    let set = this.#byResource.get(p.resource);
    if (set === undefined) this.#byResource.set(p.resource, (set = new Set()));
    set.add(sub);
    this.#arm(sub, p.expiresS);
    if (p.expiresS === 0)
      this.#terminate(sub, 'unsubscribe'); // RFC 6665 §4.4.3: a fetch
    else this.#pump(sub);
    return view(sub);
  }

  get(key: string): QueueSubscriptionView | undefined {
    const sub = this.#subs.get(key);
    return sub ? view(sub) : undefined;
  }

  /** RFC 5839 §4.2: the entity-tag of the state this subscription would be sent now. */
  currentEtag(key: string): string | undefined {
    const sub = this.#subs.get(key);
    return sub === undefined ? undefined : this.#o.content(sub.p.resource, sub.p.variant).etag;
  }

  /** RFC 6665 §4.2.1.4 refresh; `notify: false` when RFC 5839 suppressed the NOTIFY (204). */
  refresh(key: string, expiresS: number, opts: { notify: boolean } = { notify: true }): boolean {
    const sub = this.#subs.get(key);
    if (sub === undefined || (sub.state !== 'active' && sub.state !== 'pending')) return false;
    sub.state = queueSubscriptionTransition(sub.state, 'refresh');
    this.#arm(sub, expiresS);
    this.#o.observer?.refreshed(key, expiresS);
    if (opts.notify && sub.state === 'active') {
      sub.force = true;
      this.#pump(sub);
    }
    return true;
  }

  unsubscribe(key: string): boolean {
    const sub = this.#subs.get(key);
    if (sub === undefined || (sub.state !== 'active' && sub.state !== 'pending')) return false;
    this.#terminate(sub, 'unsubscribe');
    return true;
  }

  /** The state of `resource` may have changed: each watcher gets it, paced by its rate plan. */
  changed(resource: string): void {
    for (const sub of this.#byResource.get(resource) ?? []) if (sub.state === 'active') this.#pump(sub);
  }

  /** The resource is gone (queue removed): `terminated;reason=noresource` to its watchers. */
  remove(resource: string): void {
    for (const sub of [...(this.#byResource.get(resource) ?? [])]) {
      if (sub.state === 'active') this.#terminate(sub, 'remove');
      else if (sub.state === 'pending') this.#terminate(sub, 'reject');
    }
  }

  countFor(resource: string): number {
    return this.#byResource.get(resource)?.size ?? 0;
  }

  list(): QueueSubscriptionView[] {
    return [...this.#subs.values()].map(view);
  }

  /** Resolves once no NOTIFY is outstanding. */
  async idle(): Promise<void> {
    while (this.#sending.size > 0) await Promise.allSettled([...this.#sending]);
  }

  /** Shutdown: `terminated;reason=deactivated` to every watcher (RFC 6665 §4.2.2), then drop all. */
  async close(): Promise<void> {
    for (const sub of [...this.#subs.values()]) {
      if (sub.state === 'active' || sub.state === 'pending') this.#terminate(sub, 'shutdown');
    }
    await this.idle();
    for (const sub of [...this.#subs.values()]) this.#end(sub, 'final-notify-done');
  }

  /** A child logger made only when there is something to log (thousands of watchers). */
  #logOf(sub: Sub): PresenceLogger {
    return this.#log.child({ subscription: sub.p.key, resource: sub.p.resource });
  }

  #arm(sub: Sub, expiresS: number): void {
    sub.expiry?.cancel();
    sub.expiresAtMs = this.#o.clock.now() + expiresS * 1000;
    sub.expiry = this.#o.clock.setTimer(() => {
      if (sub.state === 'active' || sub.state === 'pending') this.#terminate(sub, 'expire');
    }, expiresS * 1000);
  }

  #terminate(sub: Sub, event: 'unsubscribe' | 'expire' | 'remove' | 'shutdown' | 'reject'): void {
    sub.state = queueSubscriptionTransition(sub.state, event);
    sub.reason = terminationReasonOf(event);
    sub.pace?.cancel();
    sub.pace = undefined;
    sub.expiry?.cancel();
    sub.expiry = this.#o.clock.setTimer(() => {
      if (sub.state === 'terminating') this.#end(sub, 'final-notify-done');
    }, this.#o.guardMs ?? 40_000);
    this.#pump(sub);
  }

  #end(sub: Sub, event: 'final-notify-done' | 'notify-gone'): void {
    if (sub.state === 'terminated') return;
    sub.state = queueSubscriptionTransition(sub.state, event);
    sub.expiry?.cancel();
    sub.pace?.cancel();
    if (this.#subs.get(sub.p.key) === sub) this.#subs.delete(sub.p.key);
    this.#o.observer?.ended(sub.p.key);
    this.#byResource.get(sub.p.resource)?.delete(sub);
    if (this.#byResource.get(sub.p.resource)?.size === 0) this.#byResource.delete(sub.p.resource);
    this.#logOf(sub).debug(
      { cause: event, reason: sub.reason, notifications: sub.notifications },
      'subscription ended',
    );
  }

  #pump(sub: Sub): void {
    if (sub.state === 'terminated' || sub.finalSent) return;
    if (sub.inFlight) {
      sub.again = true;
      return;
    }
    if (sub.state === 'terminating') return this.#send(sub, this.#final(sub), true);
    if (sub.state === 'pending') {
      if (sub.notifications === 0) this.#send(sub, this.#pending(sub), false);
      return;
    }
    const now = this.#o.clock.now();
    const content = this.#o.content(sub.p.resource, sub.p.variant);
    const changed = content.etag !== sub.lastEtag;
    if (sub.force) return this.#send(sub, this.#active(sub, content), false);
    const at = nextNotifyAtMs({ plan: sub.p.plan, lastSentAtMs: sub.lastSentAtMs, changed, nowMs: now });
    if (at === undefined) return;
    if (at <= now) {
      // RFC 6446 max-interval: the unchanged state again (this is the only unchanged NOTIFY).
      return this.#send(sub, this.#active(sub, content), false);
    }
    if (sub.pace !== undefined && sub.paceAtMs <= at) return; // already due by then
    sub.pace?.cancel();
    sub.paceAtMs = at;
    sub.pace = this.#o.clock.setTimer(() => {
      sub.pace = undefined;
      this.#pump(sub);
    }, at - now);
  }

  #send(sub: Sub, message: NotifyMessage & { etag?: string }, final: boolean): void {
    sub.pace?.cancel();
    sub.pace = undefined;
    sub.inFlight = true;
    sub.again = false;
    sub.force = false;
    sub.finalSent = final;
    sub.notifications++;
    sub.lastSentAtMs = this.#o.clock.now();
    if (message.etag !== undefined) sub.lastEtag = message.etag;
    const sending = sub.p.channel.send(message).then(
      (result) => this.#answered(sub, result, final),
      (err: unknown) => {
        this.#logOf(sub).warn({ err }, 'NOTIFY could not be sent');
        this.#answered(sub, { kind: 'gone' }, final);
      },
    );
    this.#sending.add(sending);
    void sending.finally(() => this.#sending.delete(sending));
  }

  #answered(sub: Sub, result: NotifyResult, final: boolean): void {
    sub.inFlight = false;
    if (sub.state === 'terminated') return;
    if (result.kind === 'gone') return this.#end(sub, 'notify-gone');
    if (final) return this.#end(sub, 'final-notify-done');
    if (result.kind === 'failed') this.#logOf(sub).warn({ status: result.status }, 'NOTIFY failed');
    // RFC 5025 polite block: the pending NOTIFY is answered; now the rejection.
    if (sub.state === 'pending') return this.#terminate(sub, 'reject');
    if (sub.again || sub.p.plan.maxIntervalMs !== undefined) this.#pump(sub);
  }

  #remainingS(sub: Sub): number {
    return Math.max(0, Math.ceil((sub.expiresAtMs - this.#o.clock.now()) / 1000));
  }

  #active(sub: Sub, content: NotifyContent): NotifyMessage & { etag: string } {
    return {
      subscriptionState: `active;expires=${this.#remainingS(sub)}${rateStateParams(sub.p.plan)}`,
      contentType: PIDF_CONTENT_TYPE,
      body: content.body,
      headers: { 'SIP-ETag': content.etag },
      etag: content.etag,
    };
  }

  #pending(sub: Sub): NotifyMessage {
    return { subscriptionState: `pending;expires=${this.#remainingS(sub)}`, contentType: '', body: '' };
  }

  /** RFC 6665 §4.2.2: the final NOTIFY; the state for timeout, nothing for the other reasons. */
  #final(sub: Sub): NotifyMessage {
    const state = `terminated;reason=${sub.reason}`;
    if (sub.reason !== 'timeout' || sub.p.blocked === true) {
      return { subscriptionState: state, contentType: '', body: '' };
    }
    const content = this.#o.content(sub.p.resource, sub.p.variant);
    return {
      subscriptionState: state,
      contentType: PIDF_CONTENT_TYPE,
      body: content.body,
      headers: { 'SIP-ETag': content.etag },
    };
  }
}

function view(sub: Sub): QueueSubscriptionView {
  return {
    key: sub.p.key,
    resource: sub.p.resource,
    watcher: sub.p.watcher,
    state: sub.state,
    expiresAtMs: sub.expiresAtMs,
    notifications: sub.notifications,
  };
}
