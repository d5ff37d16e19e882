/**
 * Publishes the call events of the bus contract (infra/bus/call-events.ts), topic suffix = call id.
 * A bus failure is logged and never changes what happens to the call.
 */
import { EVENTS } from '../../infra/bus/catalogue.js';
import type { EventData } from '../../infra/bus/catalogue.js';
import type { EventBus, EventType } from '../../infra/bus/types.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import type { CallLog } from './call-ports.js';

type CallEventName =
  | 'callArrived'
  | 'callQueued'
  | 'callOffered'
  | 'callOfferEnded'
  | 'callAnswered'
  | 'callOverflowed'
  | 'callEnded';

export class CallPublisher {
  readonly #bus: EventBus;
  readonly #clock: Clock;
  readonly #log: CallLog;

  constructor(bus: EventBus, clock: Clock, log: CallLog) {
    this.#bus = bus;
    this.#clock = clock;
    this.#log = log;
  }

  publish<N extends CallEventName>(name: N, data: Omit<EventData<N>, 'at'>): void {
    const event: EventType = EVENTS[name];
    const full = { ...data, at: this.#clock.wallNow().toISOString() };
    this.#bus.publish(event, full, data.callId).catch((err: unknown) => {
      this.#log.warn({ callId: data.callId, event: event.type, err }, 'call event not published');
    });
  }
}
