/**
 * The subscriptions of the embedded presence server (RFC 6665 §4.2 notifier behaviour): each one a
 * state machine (subscription.ts) with an expiry timer on the injected clock, a NOTIFY channel
 * given by the SIP layer, and at most one NOTIFY outstanding at a time (RFC 6665 §4.2.2); a change
 * that arrives meanwhile is sent once the previous NOTIFY is answered, with the state as it is then.
 * No SIP or srf here: bodies come from NotifyBodies, NOTIFYs go through NotifyChannel.
 */
import { DIALOG_INFO_CONTENT_TYPE } from '../../codecs/dialog-info.js';
import { PIDF_CONTENT_TYPE } from '../../codecs/pidf.js';
import type { Clock, TimerHandle } from '../../../sip-engine/util/clock.js';
import { PresenceServerError } from '../errors.js';
import { silentLogger } from '../ports.js';
import type { EventPackage } from '../policy/event-package.js';
import type { NotifyChannel, NotifyMessage, NotifyResult, PresenceLogger } from '../ports.js';
import { subscriptionTransition, terminationReason } from './subscription.js';
import type { SubscriptionEvent, SubscriptionState } from './subscription.js';

export type { EventPackage };

export interface NotifyBodies {
  /** The composed PIDF document of the presentity (RFC 3856 §6.7). */
  presence(presentity: string): string;
  /** A full dialog-info document (RFC 4235 §4.1) with this subscription's `version`. */
  dialog(presentity: string, version: number): string;
}

export interface SubscriptionParams {
  /** Identifies the subscription: its dialog (Call-ID, tags) and Event id (RFC 6665 §4.4.1). */
  readonly key: string;
  readonly presentity: string;
  readonly watcher: string;
  readonly eventPackage: EventPackage;
  readonly expiresS: number;
  readonly channel: NotifyChannel;
}

export interface SubscriptionView {
  readonly key: string;
  readonly presentity: string;
  readonly watcher: string;
  readonly eventPackage: EventPackage;
  readonly state: SubscriptionState;
  readonly expiresAtMs: number;
  /** NOTIFYs sent so far. */
  readonly notifications: number;
}

export interface SubscriptionServerOptions {
  readonly clock: Clock;
  readonly bodies: NotifyBodies;
  readonly log?: PresenceLogger;
  /** How long a final NOTIFY may stay unanswered before the subscription is dropped anyway. */
  readonly terminatingGuardMs?: number;
}

interface Sub {
  readonly params: SubscriptionParams;
  readonly log: PresenceLogger;
  state: SubscriptionState;
  expiresAtMs: number;
  timer: TimerHandle | undefined;
  notifications: number;
  inFlight: boolean;
  pending: boolean;
  finalSent: boolean;
  reason: 'timeout' | 'deactivated';
}

const CONTENT_TYPE: Readonly<Record<EventPackage, string>> = {
  presence: PIDF_CONTENT_TYPE,
  dialog: DIALOG_INFO_CONTENT_TYPE,
};

/** RFC 3261 §17.1.2.2: Timer F (64·T1 = 32 s) plus a margin. */
const DEFAULT_GUARD_MS = 40_000;

export class SubscriptionServer {
  readonly #clock: Clock;
  readonly #bodies: NotifyBodies;
  readonly #log: PresenceLogger;
  readonly #guardMs: number;
  readonly #subs = new Map<string, Sub>();
  readonly #sending = new Set<Promise<void>>();

  constructor(options: SubscriptionServerOptions) {
    this.#clock = options.clock;
    this.#bodies = options.bodies;
    this.#log = options.log ?? silentLogger;
    this.#guardMs = options.terminatingGuardMs ?? DEFAULT_GUARD_MS;
  }

  /** RFC 6665 §4.2.1.2: a subscription accepted with 200 gets its first NOTIFY at once. */
  accept(params: SubscriptionParams): SubscriptionView {
    if (this.#subs.has(params.key)) {
      throw new PresenceServerError('invalid-argument', `subscription ${params.key} exists already`);
    }
    const log = this.#log.child({
      subscription: params.key,
      presentity: params.presentity,
      event: params.eventPackage,
    });
    const sub: Sub = {
      params,
      log,
      state: 'active',
      expiresAtMs: 0,
      timer: undefined,
      notifications: 0,
      inFlight: false,
      pending: false,
      finalSent: false,
      reason: 'timeout',
    };
    this.#subs.set(params.key, sub);
    this.#arm(sub, params.expiresS);
    log.debug({ watcher: params.watcher, expiresS: params.expiresS }, 'subscription accepted');
    // RFC 6665 §4.2.1.2 / §3.3.6 (fetch): Expires: 0 gets one NOTIFY, the final one, with the state.
    if (params.expiresS === 0) this.#terminate(sub, 'unsubscribe');
    else this.#pump(sub);
    return view(sub);
  }

  get(key: string): SubscriptionView | undefined {
    const sub = this.#subs.get(key);
    return sub ? view(sub) : undefined;
  }

  /** RFC 6665 §4.2.1.4 refresh (new expiry), answered by a NOTIFY at once (§4.2.1.2). */
  refresh(key: string, expiresS: number): boolean {
    const sub = this.#subs.get(key);
    if (sub?.state !== 'active') return false;
    sub.state = subscriptionTransition(sub.state, 'refresh');
    this.#arm(sub, expiresS);
    this.#pump(sub);
    return true;
  }

  /** RFC 6665 §4.2.1.4: Expires: 0 ends the subscription with a final NOTIFY. */
  unsubscribe(key: string): boolean {
    const sub = this.#subs.get(key);
    if (sub?.state !== 'active') return false;
    this.#terminate(sub, 'unsubscribe');
    return true;
  }

  /** The state behind `eventPackage` of `presentity` changed: NOTIFY every active subscription. */
  changed(presentity: string, eventPackage: EventPackage): void {
    for (const sub of this.#subs.values()) {
      if (sub.params.presentity === presentity && sub.params.eventPackage === eventPackage) this.#pump(sub);
    }
  }

  /** Subscriptions of a presentity that are not terminated. */
  countFor(presentity: string): number {
    let n = 0;
    for (const sub of this.#subs.values()) if (sub.params.presentity === presentity) n++;
    return n;
  }

  list(): SubscriptionView[] {
    return [...this.#subs.values()].map(view);
  }

  /** Resolves once no NOTIFY is outstanding. */
  async idle(): Promise<void> {
    while (this.#sending.size > 0) await Promise.allSettled([...this.#sending]);
  }

  /** Graceful shutdown: every subscription ends with `terminated;reason=deactivated` (RFC 6665 §4.2.2). */
  async close(): Promise<void> {
    for (const sub of [...this.#subs.values()]) if (sub.state === 'active') this.#terminate(sub, 'shutdown');
    await this.idle();
    for (const sub of [...this.#subs.values()]) this.#end(sub, 'final-notify-done');
  }

  #arm(sub: Sub, expiresS: number): void {
    sub.timer?.cancel();
    sub.expiresAtMs = this.#clock.now() + expiresS * 1000;
    sub.timer = this.#clock.setTimer(() => {
      if (sub.state === 'active') this.#terminate(sub, 'expire');
    }, expiresS * 1000);
  }

  #terminate(sub: Sub, event: 'unsubscribe' | 'expire' | 'shutdown'): void {
    sub.state = subscriptionTransition(sub.state, event);
    sub.reason = terminationReason(event);
    sub.timer?.cancel();
    sub.timer = this.#clock.setTimer(() => {
      if (sub.state === 'terminating') this.#end(sub, 'final-notify-done');
    }, this.#guardMs);
    sub.log.debug({ cause: event }, 'subscription terminating');
    this.#pump(sub);
  }

  #end(sub: Sub, event: SubscriptionEvent): void {
    if (sub.state === 'terminated') return;
    sub.state = subscriptionTransition(sub.state, event);
    sub.timer?.cancel();
    sub.timer = undefined;
    if (this.#subs.get(sub.params.key) === sub) this.#subs.delete(sub.params.key);
    sub.log.debug({ cause: event, notifications: sub.notifications }, 'subscription terminated');
  }

  /** Sends the current state now, or once the outstanding NOTIFY is answered (RFC 6665 §4.2.2). */
  #pump(sub: Sub): void {
    if (sub.state === 'terminated' || sub.finalSent) return;
    if (sub.inFlight) {
      sub.pending = true;
      return;
    }
    const final = sub.state === 'terminating';
    const message = this.#message(sub, final);
    sub.inFlight = true;
    sub.pending = false;
    sub.finalSent = final;
    sub.notifications++;
    const sending = sub.params.channel.send(message).then(
      (result) => this.#answered(sub, result, final),
      (err: unknown) => {
        sub.log.warn({ err }, 'NOTIFY could not be sent');
        this.#answered(sub, { kind: 'gone' }, final);
      },
    );
    this.#sending.add(sending);
    void sending.finally(() => this.#sending.delete(sending));
  }

  #answered(sub: Sub, result: NotifyResult, final: boolean): void {
    sub.inFlight = false;
    if (sub.state === 'terminated') return;
    if (result.kind === 'gone') {
      sub.log.info({ status: result.status }, 'NOTIFY answered as gone: subscription removed');
      this.#end(sub, 'notify-gone');
    } else if (final) {
      this.#end(sub, 'final-notify-done');
    } else {
      if (result.kind === 'failed') sub.log.warn({ status: result.status }, 'NOTIFY failed');
      if (sub.pending) this.#pump(sub);
    }
  }

  #message(sub: Sub, final: boolean): NotifyMessage {
    const { presentity, eventPackage } = sub.params;
    const remainingS = Math.max(0, Math.ceil((sub.expiresAtMs - this.#clock.now()) / 1000));
    // RFC 6665 §4.2.2 / §8.2.3: active with the remaining duration, or terminated with a reason.
    const subscriptionState = final ? `terminated;reason=${sub.reason}` : `active;expires=${remainingS}`;
    // RFC 4235 §4.1: version counts this subscription's NOTIFYs, starting at 0.
    const body =
      eventPackage === 'presence'
        ? this.#bodies.presence(presentity)
        : this.#bodies.dialog(presentity, sub.notifications);
    return { subscriptionState, contentType: CONTENT_TYPE[eventPackage], body };
  }
}

function view(sub: Sub): SubscriptionView {
  return {
    key: sub.params.key,
    presentity: sub.params.presentity,
    watcher: sub.params.watcher,
    eventPackage: sub.params.eventPackage,
    state: sub.state,
    expiresAtMs: sub.expiresAtMs,
    notifications: sub.notifications,
  };
}
