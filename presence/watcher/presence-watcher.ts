/**
 * Watches the presence of a set of presentities (RFC 3856) through one SubscriptionTransport: one
 * PresenceSubscription per URI, fan-out of what they report to listeners. Holds no business rule:
 * whether a snapshot makes an agent available is decided elsewhere (presence/policy).
 */
import { systemClock } from '../../sip-engine/util/clock.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import { WatcherError } from './errors.js';
import type { PresenceSnapshot } from './model/presence-snapshot.js';
import type { SubscriptionState } from './model/subscription-fsm.js';
import type { SubscriptionTransport } from './sip/transport.js';
import { PresenceSubscription } from './subscription.js';
import type { SubscriptionStatus, WatcherLogger } from './subscription.js';
import { resolveWatcherOptions } from './watcher-options.js';
import type { WatcherOptions, WatcherOptionsInput } from './watcher-options.js';

export interface PresenceWatcherDeps {
  readonly transport: SubscriptionTransport;
  readonly clock?: Clock;
  /** Uniform in [0, 1); Math.random by default. Tests pin it. */
  readonly random?: () => number;
  readonly options?: WatcherOptionsInput;
  readonly log?: WatcherLogger;
}

export type PresenceListener = (snapshot: PresenceSnapshot) => void;
export type StatusListener = (status: SubscriptionStatus) => void;

export class PresenceWatcher {
  readonly options: WatcherOptions;
  readonly #transport: SubscriptionTransport;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #log: WatcherLogger | undefined;
  readonly #subs = new Map<string, PresenceSubscription>();
  readonly #presence = new Set<PresenceListener>();
  readonly #status = new Set<StatusListener>();
  #stopped = false;

  constructor(deps: PresenceWatcherDeps) {
    this.options = resolveWatcherOptions(deps.options);
    this.#transport = deps.transport;
    this.#clock = deps.clock ?? systemClock;
    this.#random = deps.random ?? Math.random;
    this.#log = deps.log;
  }

  /** Each accepted NOTIFY's presence. Returns a function removing the listener. */
  onPresence(listener: PresenceListener): () => void {
    this.#presence.add(listener);
    return () => this.#presence.delete(listener);
  }

  /** Every subscription state change (terminated ones say why). Returns a function removing the listener. */
  onStatus(listener: StatusListener): () => void {
    this.#status.add(listener);
    return () => this.#status.delete(listener);
  }

  /** Starts watching each URI not watched yet (a URI given twice is watched once). */
  watch(uris: readonly string[]): void {
    if (this.#stopped) throw new WatcherError('watcher-stopped', 'watch() after stop()');
    for (const uri of uris) {
      if (this.#subs.has(uri)) continue;
      const sub = new PresenceSubscription({
        uri,
        transport: this.#transport,
        clock: this.#clock,
        random: this.#random,
        options: this.options,
        onPresence: (s) => this.#fanOut(this.#presence, s),
        onStatus: (s) => this.#fanOut(this.#status, s),
        ...(this.#log ? { log: this.#log } : {}),
      });
      this.#subs.set(uri, sub);
      sub.start();
    }
  }

  /** Stops watching `uri` (un-subscribes, RFC 6665 §4.1.2.3); its last presence is forgotten. */
  async unwatch(uri: string): Promise<void> {
    const sub = this.#subs.get(uri);
    if (!sub) return;
    this.#subs.delete(uri);
    await sub.stop();
  }

  /** The last presence accepted for `uri`, if any. */
  presence(uri: string): PresenceSnapshot | undefined {
    return this.#subs.get(uri)?.last;
  }

  /** The subscription state of `uri`; undefined when not watched. */
  state(uri: string): SubscriptionState | undefined {
    return this.#subs.get(uri)?.state;
  }

  /** The watched URIs. */
  uris(): string[] {
    return [...this.#subs.keys()];
  }

  /** Graceful shutdown: un-subscribes every subscription and waits for the answers. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const subs = [...this.#subs.values()];
    this.#subs.clear();
    await Promise.all(subs.map((s) => s.stop()));
  }

  #fanOut<T>(listeners: ReadonlySet<(value: T) => void>, value: T): void {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (err) {
        // A listener's bug must not break the subscription state machine.
        this.#log?.warn({ err }, 'presence watcher listener threw');
      }
    }
  }
}
