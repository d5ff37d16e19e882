/**
 * Contact-center presence for customers (issue 6) in `patchbay start`: the queues' and services'
 * presence URIs (queues' `presence` field, `presence.queuePresence.services`), fed by the bus
 * (queue.state and call events). Embedded presence mode: a SUBSCRIBE route of the presence server
 * (one SUBSCRIBE handler per srf). External mode: patchbay still answers SUBSCRIBEs to queue URIs
 * itself (its own srf.subscribe handler; anything else gets 404/481) and PUBLISHes every queue
 * document to the external presence server (RFC 3903), so customers subscribing there see it too.
 * Watchers get `terminated;reason=deactivated` and publications are removed (Expires: 0) in the
 * terminate-subscriptions phase. Subscriptions are stored (migration 0007): after a crash, the
 * next start ends each in its dialog with `terminated;reason=deactivated`, so watchers re-subscribe.
 */
import type { PatchbayConfig } from '../config/index.js';
import type { Srf } from '../infra/drachtio/srf-connection.js';
import type { EventBus } from '../infra/bus/index.js';
import type { DatabaseHandle } from '../infra/db/index.js';
import { componentLogger } from '../infra/telemetry/index.js';
import type { Logger } from '../infra/telemetry/index.js';
import { DigestAuthenticator } from '../presence/registrar/digest.js';
import { nonceSecret } from '../presence/registrar/start-registrar.js';
import {
  DEFAULT_SUBSCRIPTION,
  digestPresenceAuthenticator,
  dispatchSubscribe,
  notServedHandler,
  srfNotifyChannels,
} from '../presence/server/index.js';
import type { Authenticator, PresenceServer } from '../presence/server/index.js';
import {
  createQueueSubscriptionStore,
  endStoredSubscriptions,
  feedQueuePresence,
  QueuePresence,
  QueuePublications,
  queueSubscribeRoute,
  srfPublishChannel,
  storedSubscriptions,
} from '../presence/queue-presence/index.js';
import type { StoredSubscriptions } from '../presence/queue-presence/index.js';
import type { AgentDirectory } from '../router/agents/agent-directory.js';
import type { Clock } from '../sip-engine/util/clock.js';
import type { ShutdownHooks } from './shutdown.js';

export interface QueuePresenceWiringDeps {
  readonly cfg: PatchbayConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly hooks: ShutdownHooks;
  readonly bus: EventBus;
  readonly storage: DatabaseHandle;
  readonly directory: AgentDirectory;
  readonly srfs: readonly Srf[];
  /** The embedded presence server; undefined in external presence mode. */
  readonly presenceServer: PresenceServer | undefined;
}

/** Digest over the agent directory, for external mode (embedded mode shares the presence server's). */
async function directoryAuthenticator(d: QueuePresenceWiringDeps): Promise<Authenticator> {
  const domain = d.cfg.presence.domain;
  const digest = new DigestAuthenticator({
    realm: domain,
    secret: await nonceSecret(d.storage.db),
    clock: d.clock,
    algorithms: ['MD5', 'SHA-256'],
  });
  const ha1Of = async (user: string) => (await d.directory.credentialsFor(user))?.ha1;
  return digestPresenceAuthenticator(digest, { ha1Of }, domain);
}

/** External presence mode with a server: PUBLISH every presence URI's document there. */
function startPublications(
  d: QueuePresenceWiringDeps,
  presence: QueuePresence,
  log: Logger,
): QueuePublications | undefined {
  const server = d.cfg.presence.server;
  const srf = d.srfs[0];
  if (d.presenceServer || server === undefined || srf === undefined) return undefined;
  const publications = new QueuePublications({
    presence,
    channelFor: (uri) => srfPublishChannel(srf, { uri, server }),
    expiresS: d.cfg.presence.queuePresence.publishExpiresS,
    minIntervalMs: d.cfg.presence.queuePresence.minIntervalS * 1000,
    closeWaitMs: 400,
    clock: d.clock,
    log,
  });
  publications.start();
  log.info({ server, uris: publications.uris() }, 'publishing queue presence');
  return publications;
}

/**
 * Stored subscriptions: the rows a crashed predecessor left are taken (before any new SUBSCRIBE
 * is accepted) and each watcher is told `terminated;reason=deactivated` in its dialog.
 */
async function recoverSubscriptions(d: QueuePresenceWiringDeps, log: Logger): Promise<StoredSubscriptions> {
  const store = createQueueSubscriptionStore(d.storage.db);
  const left = await store.takeAll(d.cfg.node.id);
  const srf = d.srfs[0];
  if (left.length > 0 && srf !== undefined) {
    void endStoredSubscriptions(srf, left, { nowMs: d.clock.wallNow().getTime(), log });
  }
  return storedSubscriptions({ store, nodeId: d.cfg.node.id, clock: d.clock, log });
}

export async function startQueuePresence(d: QueuePresenceWiringDeps): Promise<QueuePresence> {
  const log = componentLogger(d.logger, 'queue-presence');
  const section = d.cfg.presence.queuePresence;
  const stored = await recoverSubscriptions(d, log);
  const presence = new QueuePresence({
    domain: d.cfg.presence.domain,
    queues: d.cfg.queues,
    services: section.services,
    minIntervalS: section.minIntervalS,
    clock: d.clock,
    log,
    subscriptionObserver: stored.observer,
  });
  const stopFeed = feedQueuePresence(d.bus, presence);
  const route = queueSubscribeRoute({
    presence,
    authenticator: d.presenceServer?.authenticator ?? (await directoryAuthenticator(d)),
    expires: DEFAULT_SUBSCRIPTION,
    maxPerResource: 20_000,
    channels: (srf) => srfNotifyChannels(srf),
    log,
    onAccepted: stored.onAccepted,
  });
  if (d.presenceServer) d.presenceServer.addSubscribeRoute(route);
  else for (const srf of d.srfs) srf.subscribe(dispatchSubscribe(srf, () => [route], notServedHandler));
  const publications = startPublications(d, presence, log);
  const terminate = d.hooks['terminate-subscriptions'];
  d.hooks['terminate-subscriptions'] = async () => {
    stopFeed();
    stored.closing();
    await Promise.all([
      presence.close(), // RFC 6665 §4.2.2: deactivated, while SIP is still up
      publications?.close(), // RFC 3903 §4.5: Expires: 0 (each wait bounded: the phase has 1 s)
      stored.finish(), // every watcher is being told: nothing to end at the next start
    ]);
    await terminate?.();
  };
  log.info(
    { domain: presence.domain, mode: d.presenceServer ? 'embedded' : 'external' },
    'queue presence ready',
  );
  return presence;
}
