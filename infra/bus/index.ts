/** Public surface of the event bus. NATS client packages are imported only in this folder. */
export type {
  BusEnvelope,
  BusErrorCode,
  BusLogger,
  CreateBusOptions,
  EventBus,
  EventType,
  KeyValueStore,
  PayloadIssue,
  Unsubscribe,
} from './types.js';
export { BusError } from './types.js';
export { EVENTS, defineEvent, lookupEvent } from './catalogue.js';
export type { EventData, EventName } from './catalogue.js';
export { createBus } from './create-bus.js';
export { MemoryBus } from './memory-bus.js';
export type { MemoryBusOptions } from './memory-bus.js';
export { NatsBus } from './nats-bus.js';
export type { BusStatus, NatsBusOptions } from './nats-bus.js';
export { matchSubject } from './subject.js';
