/**
 * presence/watcher — the public surface: a PresenceWatcher that SUBSCRIBEs to an external
 * presence server (Kamailio, OpenSIPS…) for a list of presentities and emits, per NOTIFY, a
 * PresenceSnapshot free of SIP types.
 */
import type { Srf } from '../../infra/drachtio/srf-connection.js';
import { PresenceWatcher } from './presence-watcher.js';
import type { PresenceWatcherDeps } from './presence-watcher.js';
import { createSrfSubscriptionTransport } from './sip/srf-transport.js';
import type { SrfTransportOptions } from './sip/srf-transport.js';

export { PresenceWatcher } from './presence-watcher.js';
export type { PresenceListener, PresenceWatcherDeps, StatusListener } from './presence-watcher.js';
export type { SubscriptionStatus, WatcherLogger } from './subscription.js';
export type { PresenceBasic, PresenceSnapshot } from './model/presence-snapshot.js';
export { SUBSCRIPTION_STATES } from './model/subscription-fsm.js';
export type { SubscriptionState } from './model/subscription-fsm.js';
export type { GiveUpReason } from './policy/retry-policy.js';
export { DEFAULT_WATCHER_OPTIONS, resolveWatcherOptions } from './watcher-options.js';
export type { WatcherOptions, WatcherOptionsInput } from './watcher-options.js';
export { WatcherError } from './errors.js';
export type { WatcherErrorCode } from './errors.js';
export { createSrfSubscriptionTransport } from './sip/srf-transport.js';
export type { SrfTransportOptions } from './sip/srf-transport.js';
export type { SubscriptionTransport } from './sip/transport.js';

export interface SrfWatcherOptions extends SrfTransportOptions {
  readonly watcher?: Omit<PresenceWatcherDeps, 'transport'>;
}

/** A PresenceWatcher whose SUBSCRIBEs go out through `srf` (not started: call `watch(uris)`). */
export function createSrfPresenceWatcher(srf: Srf, opts: SrfWatcherOptions): PresenceWatcher {
  const { watcher, ...transportOpts } = opts;
  const clock = watcher?.clock;
  const transport = createSrfSubscriptionTransport(srf, {
    ...transportOpts,
    ...(clock !== undefined && transportOpts.clock === undefined ? { clock } : {}),
  });
  return new PresenceWatcher({ ...watcher, transport });
}
