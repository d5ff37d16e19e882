/** Public surface of contact-center presence for customers (see README.md). */
export { QueuePresence, variantOf } from './queue-presence.js';
export type { QueuePresenceOptions } from './queue-presence.js';
export { feedQueuePresence } from './bus-feed.js';
export { QueuePublications } from './queue-publications.js';
export type { QueuePublicationsOptions } from './queue-publications.js';
export { QueuePublisher } from './model/queue-publisher.js';
export type { QueuePublisherView } from './model/queue-publisher.js';
export type {
  PublishAnswer,
  PublishChannel,
  PublishRequest,
  PublicationState,
} from './model/publication-state.js';
export { srfPublishChannel } from './sip/srf-publish-channel.js';
export { storedSubscriptions } from './stored-subscriptions.js';
export type { StoredSubscriptions } from './stored-subscriptions.js';
export { createQueueSubscriptionStore } from './store/subscription-store.js';
export type { QueueSubscriptionStore } from './store/subscription-store.js';
export { endStoredSubscriptions } from './sip/recover-subscriptions.js';
export type { RecoveryReport } from './sip/recover-subscriptions.js';
export { endingNotify } from './policy/stored-subscription.js';
export type { StoredQueueSubscription } from './policy/stored-subscription.js';
export { queueSubscribeRoute, claimsQueueSubscribe } from './sip/queue-subscribe-handler.js';
export type { QueueSubscribeRouteDeps } from './sip/queue-subscribe-handler.js';
export { QueuePresenceSection, QueuePresenceSpec, PresenceServiceSpec } from './config-schema.js';
export type { PresenceServiceData, QueuePresenceData, QueuePresenceSectionData } from './config-schema.js';
export type { QueueInput, PresenceResource, ServiceInput } from './model/resources.js';
export type { QueueLive } from './model/queue-view.js';
export { QUEUE_NS, buildQueueDocument } from './policy/queue-document.js';
export { readQueueDocument } from './policy/queue-document-read.js';
export type { QueueDocument, QueueFields } from './policy/queue-document-read.js';
export { expectedWait, erlangC, erlangCWaitS, erlangAConditionalWaitS } from './policy/expected-wait.js';
export { QueuePresenceError } from './errors.js';
