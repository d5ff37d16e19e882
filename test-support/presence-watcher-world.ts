/**
 * A PresenceWatcher on a FakeClock and a FakeSubscriptionTransport, with everything it reported
 * collected, for the watcher's unit tests.
 */
import type { Test } from 'tap';
import { isTransient } from '../presence/watcher/model/subscription-fsm.js';
import type { PresenceSnapshot } from '../presence/watcher/model/presence-snapshot.js';
import { PresenceWatcher } from '../presence/watcher/presence-watcher.js';
import type { SubscriptionStatus } from '../presence/watcher/subscription.js';
import type { WatcherOptionsInput } from '../presence/watcher/watcher-options.js';
import { FakeClock } from '../sip-engine/util/clock.js';
import { FakeSubscriptionTransport, flush, pidfBody, presenceNotify } from './fake-subscription-transport.js';
import type { FakeDialog } from './fake-subscription-transport.js';

export const WATCHED_URI = 'sip:agent1@example.com';

export interface WatcherWorld {
  clock: FakeClock;
  transport: FakeSubscriptionTransport;
  watcher: PresenceWatcher;
  presence: PresenceSnapshot[];
  statuses: SubscriptionStatus[];
  state(): ReturnType<PresenceWatcher['state']>;
}

/** `random` is what the injected random source always returns. */
export function watcherWorld(random = 0, options: WatcherOptionsInput = {}): WatcherWorld {
  const clock = new FakeClock();
  const transport = new FakeSubscriptionTransport();
  const watcher = new PresenceWatcher({ transport, clock, random: () => random, options });
  const presence: PresenceSnapshot[] = [];
  const statuses: SubscriptionStatus[] = [];
  watcher.onPresence((p) => presence.push(p));
  watcher.onStatus((s) => statuses.push(s));
  return { clock, transport, watcher, presence, statuses, state: () => watcher.state(WATCHED_URI) };
}

/** watch → 2xx → NOTIFY active with an open PIDF; returns the dialog. */
export async function establish(w: WatcherWorld, expiresS = 3600): Promise<FakeDialog> {
  w.watcher.watch([WATCHED_URI]);
  const dialog = w.transport.last.accept(expiresS);
  await flush();
  const answer = dialog.notify(presenceNotify(`active;expires=${expiresS}`, pidfBody('open')));
  if (answer?.status !== 200) throw new Error(`NOTIFY answered ${String(answer?.status)}`);
  return dialog;
}

/** Every transient state owns exactly one timer; idle and terminated own none (design §6). */
export function assertTimers(t: Test, w: WatcherWorld): void {
  const s = w.state();
  if (s === undefined) return;
  t.equal(w.clock.pending, isTransient(s) ? 1 : 0, `timers in ${s}`);
}
