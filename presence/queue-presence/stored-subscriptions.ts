/**
 * Keeps customers' queue subscriptions in a QueueSubscriptionStore while they live: saved when
 * the SIP layer starts one (with its dialog), the expiry moved on refresh, deleted when it ends.
 * Writes of one subscription run in order (an end may follow its start before the insert is
 * done); a failed write is logged and never disturbs the subscription. At shutdown, `closing()`
 * before the watchers are told (deactivated) stops the per-subscription deletes, and `finish()`
 * waits for the writes under way and deletes the node's rows at once.
 */
import type { Clock } from '../../sip-engine/util/clock.js';
import type { PresenceLogger } from '../server/ports.js';
import type { QueueSubscriptionObserver } from './model/queue-notifier.js';
import type { AcceptedSubscription } from './policy/stored-subscription.js';
import type { QueueSubscriptionStore } from './store/subscription-store.js';

export interface StoredSubscriptions {
  readonly onAccepted: (a: AcceptedSubscription) => void;
  readonly observer: QueueSubscriptionObserver;
  closing(): void;
  finish(): Promise<void>;
}

export function storedSubscriptions(o: {
  store: QueueSubscriptionStore;
  nodeId: string;
  clock: Clock;
  log: PresenceLogger;
}): StoredSubscriptions {
  const chains = new Map<string, Promise<void>>();
  let closing = false;
  const run = (key: string, what: string, write: () => Promise<void>): void => {
    const p = (chains.get(key) ?? Promise.resolve())
      .then(write)
      .catch((err: unknown) => o.log.warn({ err, subscription: key }, `stored subscription: ${what} failed`));
    chains.set(key, p);
    void p.finally(() => {
      if (chains.get(key) === p) chains.delete(key);
    });
  };
  const expiresAt = (s: number): number => o.clock.wallNow().getTime() + s * 1000;
  return {
    onAccepted: (a) =>
      run(a.key, 'save', async () => {
        const record = {
          key: a.key,
          nodeId: o.nodeId,
          resource: a.resource,
          watcher: a.watcher,
          ...a.dialog,
        };
        await o.store.save({ ...record, expiresAtMs: expiresAt(a.expiresS) });
        o.log.debug({ subscription: a.key }, 'queue subscription stored');
      }),
    observer: {
      refreshed: (key, s) => run(key, 'refresh', () => o.store.refreshed(key, expiresAt(s))),
      ended: (key) => {
        if (!closing) run(key, 'remove', () => o.store.remove(key));
      },
    },
    closing: () => {
      closing = true;
    },
    finish: async () => {
      closing = true;
      while (chains.size > 0) await Promise.all([...chains.values()]);
      await o.store.takeAll(o.nodeId);
    },
  };
}
