/**
 * Contact-center presence for customers: the live state of every queue (queue.state events, or
 * the opening hours until the first one), the call figures behind the expected wait, the presence
 * resources (queues and services) and their watchers (model/queue-notifier.ts). The SIP side is
 * in sip/; the bus side in bus-feed.ts.
 */
import { createHash } from 'node:crypto';
import type { Clock, TimerHandle } from '../../sip-engine/util/clock.js';
import { silentLogger } from '../server/ports.js';
import type { PresenceLogger } from '../server/ports.js';
import { isOpen } from '../../router/queues/model/opening-hours.js';
import { CallStats } from './model/call-stats.js';
import { QueueNotifier } from './model/queue-notifier.js';
import type { NotifyContent, QueueSubscriptionObserver } from './model/queue-notifier.js';
import { resourceTable } from './model/resources.js';
import type { PresenceResource, QueueInput, ResourceTable, ServiceInput } from './model/resources.js';
import type { OpeningHoursData } from '../../router/queues/model/queue-schema.js';
import { resourceView } from './model/queue-view.js';
import type { QueueLive } from './model/queue-view.js';
import { expectedWait } from './policy/expected-wait.js';
import { nextOpening } from './policy/next-opening.js';
import { buildQueueDocument } from './policy/queue-document.js';

export interface QueuePresenceOptions {
  /** Presence domain: URIs are sip:<user>@<domain>. */
  readonly domain: string;
  readonly queues: readonly QueueInput[];
  readonly services?: readonly ServiceInput[];
  /** RFC 6446 floor of the min-interval, seconds. */
  readonly minIntervalS: number;
  readonly clock: Clock;
  readonly log?: PresenceLogger;
  /** How often hours-only queues are re-evaluated (default 30 s). */
  readonly hoursTickMs?: number;
  /** Hears refreshes and ends of subscriptions (stored subscriptions, wiring). */
  readonly subscriptionObserver?: QueueSubscriptionObserver;
}

/** The variant string the notifier keys bodies by: the URI watched and the note language. */
export function variantOf(user: string, language: string | undefined): string {
  return `${user}\n${language ?? ''}`;
}

export class QueuePresence {
  readonly domain: string;
  readonly notifier: QueueNotifier;
  readonly stats: CallStats;
  readonly minIntervalS: number;
  #table: ResourceTable;
  readonly #o: QueuePresenceOptions;
  readonly #live = new Map<string, QueueLive>();
  readonly #fromBus = new Set<string>();
  readonly #versions = new Map<string, number>();
  readonly #cache = new Map<string, { version: number; content: NotifyContent }>();
  readonly #hoursOpen = new Map<string, boolean>();
  readonly #listeners = new Set<(resourceId: string) => void>();
  #tick: TimerHandle | undefined;
  #closed = false;

  constructor(o: QueuePresenceOptions) {
    this.#o = o;
    this.domain = o.domain.trim().toLowerCase();
    this.minIntervalS = o.minIntervalS;
    this.#table = resourceTable(o.queues, o.services ?? []);
    this.stats = new CallStats(() => o.clock.now());
    this.notifier = new QueueNotifier({
      clock: o.clock,
      log: (o.log ?? silentLogger).child({ component: 'queue-presence' }),
      content: (resource, variant) => this.content(resource, variant),
      ...(o.subscriptionObserver !== undefined ? { observer: o.subscriptionObserver } : {}),
    });
    this.#hoursTick();
  }

  /** The resource a presence URI's user part names. */
  resourceForUser(user: string): PresenceResource | undefined {
    const id = this.#table.byUser.get(user);
    return id === undefined ? undefined : this.#table.resources.get(id);
  }

  /** Every presence resource (queues and services with presence URIs). */
  resources(): PresenceResource[] {
    return [...this.#table.resources.values()];
  }

  /** Hears every possible change of a resource's document (e.g. to PUBLISH it, RFC 3903). */
  onChange(listener: (resourceId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** A `queue.state` event (the coordinator's view is authoritative over the opening hours). */
  queueState(queueId: string, live: QueueLive): void {
    this.#fromBus.add(queueId);
    this.#live.set(queueId, live);
    this.#touchQueue(queueId);
  }

  callArrived(queueId: string): void {
    this.stats.arrived(queueId);
  }

  callAnswered(queueId: string, waitMs: number): void {
    this.stats.answered(queueId, waitMs);
    this.#touchQueue(queueId);
  }

  callEnded(queueId: string, e: { outcome: string; waitMs: number; talkMs?: number | undefined }): void {
    if (e.outcome === 'abandoned') this.stats.abandoned(queueId, e.waitMs);
    else if (e.outcome === 'completed' && e.talkMs !== undefined) this.stats.completed(queueId, e.talkMs);
    else return;
    this.#touchQueue(queueId);
  }

  /** New config: resources that disappeared end with `terminated;reason=noresource`. */
  setResources(queues: readonly QueueInput[], services: readonly ServiceInput[]): void {
    const next = resourceTable(queues, services);
    const gone = [...this.#table.resources.keys()].filter((id) => !next.resources.has(id));
    this.#table = next;
    for (const id of gone) this.notifier.remove(id);
    for (const id of next.resources.keys()) this.#touch(id);
  }

  /** The NOTIFY body for a watcher of `resourceId` (cached per state version and variant). */
  content(resourceId: string, variant: string): NotifyContent {
    const version = this.#versions.get(resourceId) ?? 0;
    const key = `${resourceId}\n${variant}`;
    const hit = this.#cache.get(key);
    if (hit?.version === version) return hit.content;
    const content = this.#render(resourceId, variant);
    this.#cache.set(key, { version, content });
    return content;
  }

  /** Liveness of one queue as shown: bus state, or opening hours until the first event. */
  liveOf(queueId: string): QueueLive {
    return this.#live.get(queueId) ?? this.#hoursLive(queueId);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#tick?.cancel();
    await this.notifier.close();
  }

  #render(resourceId: string, variant: string): NotifyContent {
    const [user = '', language = ''] = variant.split('\n');
    const r = this.#table.resources.get(resourceId);
    const members = (r?.queueIds ?? []).map((q) => {
      const live = this.liveOf(q);
      const wait = expectedWait({ ...live, figures: this.stats.figures(q) });
      return { live, wait };
    });
    const note = language !== '' ? r?.notes[language] : undefined;
    const body = buildQueueDocument({
      entity: `sip:${user}@${this.domain}`,
      view: resourceView(members, r?.offerCallbacks ?? false),
      ...(note !== undefined ? { note: { text: note, lang: language } } : {}),
    });
    // RFC 5839 §4.2 / RFC 3903 §4: an opaque entity-tag; equal bodies get equal tags.
    const etag = createHash('sha256').update(body).digest('base64url').slice(0, 22);
    return { body, etag };
  }

  #hoursLive(queueId: string): QueueLive {
    const hours = this.#table.hours.get(queueId);
    const now = this.#o.clock.wallNow().getTime();
    const open = isOpen(hours as OpeningHoursData | undefined, now); // isOpen only reads it
    const next = open ? undefined : nextOpening(hours, now);
    return {
      open,
      accepting: open,
      depth: 0,
      longestWaitMs: 0,
      availableAgents: 0,
      loggedInAgents: 0,
      ...(next !== undefined ? { nextOpenAt: new Date(next).toISOString() } : {}),
    };
  }

  /** Queues known only by their hours change state at the edges: look again now and then. */
  #hoursTick(): void {
    this.#tick = this.#o.clock.setTimer(() => {
      for (const q of this.#table.hours.keys()) {
        if (this.#fromBus.has(q)) continue;
        const open = this.#hoursLive(q).open;
        if (this.#hoursOpen.get(q) !== open) this.#touchQueue(q);
        this.#hoursOpen.set(q, open);
      }
      if (!this.#closed) this.#hoursTick();
    }, this.#o.hoursTickMs ?? 30_000);
  }

  #touchQueue(queueId: string): void {
    for (const id of this.#table.byQueue.get(queueId) ?? []) this.#touch(id);
  }

  #touch(resourceId: string): void {
    this.#versions.set(resourceId, (this.#versions.get(resourceId) ?? 0) + 1);
    this.notifier.changed(resourceId);
    for (const listener of this.#listeners) listener(resourceId);
  }
}
