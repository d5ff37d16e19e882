/**
 * The embedded presence server (used when no external one is configured): the publication store
 * (RFC 3903), the composition of publications with what patchbay knows into one PIDF, and the
 * subscriptions to the presence (RFC 3856) and dialog (RFC 4235) packages, wired together and to
 * drachtio-srf by `attach(srf)`.
 */
import type { Srf } from '../../infra/drachtio/srf-connection.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import { buildDialogInfo } from '../codecs/dialog-info.js';
import { buildPidf } from '../codecs/pidf.js';
import type { PidfDocument } from '../codecs/pidf-types.js';
import { presenceServerConfig } from './config.js';
import type { PresenceServerConfig, PresenceServerOptions } from './config.js';
import { PresenceServerError } from './errors.js';
import { composePresence } from './model/compose.js';
import { PublicationStore } from './model/publication-store.js';
import { SubscriptionServer } from './model/subscription-server.js';
import { silentLogger } from './ports.js';
import type {
  Authenticator,
  CallStateSource,
  PresenceLogger,
  PresenceOverlaySource,
  PresentityDirectory,
  Unsubscribe,
} from './ports.js';
import type { PublishDeps } from './sip/publish-handler.js';
import { createPublishHandler } from './sip/publish-handler.js';
import { createSubscribeHandler } from './sip/subscribe-handler.js';
import type { SubscribeHandlerDeps } from './sip/subscribe-handler.js';
import { dispatchSubscribe } from './sip/subscribe-dispatch.js';
import type { SubscribeRoute } from './sip/subscribe-dispatch.js';
import { srfNotifyChannels } from './sip/srf-notify-channel.js';
import type { NotifyChannelFactory } from './sip/srf-notify-channel.js';

export interface PresenceServerDeps {
  readonly options: PresenceServerOptions;
  readonly clock: Clock;
  readonly authenticator: Authenticator;
  readonly directory: PresentityDirectory;
  /** What patchbay knows (e.g. overlayFromCalls(calls)); none: published state only. */
  readonly overlay?: PresenceOverlaySource;
  /** Feeds the dialog package; none: every presentity shows no dialog. */
  readonly calls?: CallStateSource;
  readonly log?: PresenceLogger;
}

export class PresenceServer {
  readonly config: PresenceServerConfig;
  readonly store: PublicationStore;
  readonly subscriptions: SubscriptionServer;
  readonly #deps: PresenceServerDeps;
  readonly #log: PresenceLogger;
  readonly #stops: Unsubscribe[] = [];
  readonly #routes: SubscribeRoute[] = [];
  #closed = false;

  constructor(deps: PresenceServerDeps) {
    this.#deps = deps;
    this.#log = deps.log ?? silentLogger;
    this.config = presenceServerConfig(deps.options);
    this.store = new PublicationStore({
      clock: deps.clock,
      maxPerPresentity: this.config.publication.maxPerPresentity,
    });
    this.subscriptions = new SubscriptionServer({
      clock: deps.clock,
      log: this.#log,
      bodies: {
        presence: (p) => buildPidf(this.presenceDocument(p)),
        // RFC 4235 §4.1: full state every time, versioned per subscription.
        dialog: (p, version) =>
          buildDialogInfo({ entity: p, version, state: 'full', dialogs: deps.calls?.dialogsOf(p) ?? [] }),
      },
    });
    this.#stops.push(this.store.onChange((c) => this.subscriptions.changed(c.presentity, 'presence')));
    if (deps.overlay)
      this.#stops.push(deps.overlay.onChange((p) => this.subscriptions.changed(p, 'presence')));
    if (deps.calls) this.#stops.push(deps.calls.onChange((p) => this.subscriptions.changed(p, 'dialog')));
  }

  /** How watchers and publishers are authenticated (shared with routes such as queue presence). */
  get authenticator(): Authenticator {
    return this.#deps.authenticator;
  }

  /** The document watchers of `presentity` receive: publications + what patchbay knows. */
  presenceDocument(presentity: string): PidfDocument {
    return composePresence(
      presentity,
      this.store.documents(presentity),
      this.#deps.overlay?.overlayFor(presentity),
    );
  }

  publishDeps(): PublishDeps {
    const { directory, authenticator } = this.#deps;
    return { config: this.config, store: this.store, directory, authenticator, log: this.#log };
  }

  subscribeDeps(channels: NotifyChannelFactory): SubscribeHandlerDeps {
    const { directory, authenticator } = this.#deps;
    return {
      config: this.config,
      subscriptions: this.subscriptions,
      directory,
      authenticator,
      channels,
      log: this.#log,
    };
  }

  /**
   * SUBSCRIBEs a route claims (e.g. queue presence URIs) go to it rather than to the agents'
   * presence; effective at once, also on srfs attached earlier.
   */
  addSubscribeRoute(route: SubscribeRoute): void {
    this.#routes.push(route);
  }

  /** Registers the PUBLISH and SUBSCRIBE handlers on an srf app. */
  attach(srf: Srf): void {
    if (this.#closed) throw new PresenceServerError('server-closed', 'presence server is closed');
    srf.publish(createPublishHandler(this.publishDeps()));
    const own = createSubscribeHandler(this.subscribeDeps(srfNotifyChannels(srf)));
    srf.subscribe(dispatchSubscribe(srf, () => this.#routes, own));
  }

  /**
   * Ordered shutdown (design §7): stop hearing changes, end every subscription with
   * `terminated;reason=deactivated` and wait for those NOTIFYs, then drop the publications.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const stop of this.#stops.splice(0)) stop();
    await this.subscriptions.close();
    this.store.close();
  }
}
