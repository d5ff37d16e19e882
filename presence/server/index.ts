/** Public surface of the embedded presence server (see README.md). */
export { PresenceServer } from './presence-server.js';
export type { PresenceServerDeps } from './presence-server.js';
export {
  presenceServerConfig,
  DEFAULT_PUBLICATION,
  DEFAULT_SUBSCRIPTION,
  DEFAULT_MAX_BODY_BYTES,
} from './config.js';
export type { PresenceServerConfig, PresenceServerOptions, ExpiresLimits } from './config.js';
export { PresenceServerError } from './errors.js';
export type { PresenceServerErrorCode } from './errors.js';
export { silentLogger } from './ports.js';
export type {
  AuthOutcome,
  AuthRequest,
  Authenticator,
  CallStateSource,
  NotifyChannel,
  NotifyMessage,
  NotifyResult,
  PresenceLogger,
  PresenceOverlay,
  PresenceOverlaySource,
  PresentityDirectory,
  Unsubscribe,
} from './ports.js';
export { overlayFromCalls } from './model/call-overlay.js';
export { composePresence } from './model/compose.js';
export { PublicationStore } from './model/publication-store.js';
export type { PublicationChange, PublishResult, StoredPublication } from './model/publication-store.js';
export { SubscriptionServer } from './model/subscription-server.js';
export type { SubscriptionView } from './model/subscription-server.js';
export type { EventPackage } from './policy/event-package.js';
export { dispatchSubscribe, notServedHandler } from './sip/subscribe-dispatch.js';
export { srfNotifyChannels } from './sip/srf-notify-channel.js';
export type { NotifyChannelFactory } from './sip/srf-notify-channel.js';
export type { SubscribeHandler, SubscribeRoute } from './sip/subscribe-dispatch.js';
export { digestPresenceAuthenticator } from './auth/digest-authenticator.js';
export type { DigestCredentialStore } from './auth/digest-authenticator.js';
