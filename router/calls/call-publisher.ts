/**
 * Publishes the call events of the bus contract (infra/bus/call-events.ts), topic suffix = call id.
 * A bus failure is logged and never changes what happens to the call.
 */
import { EVENTS } from '../../infra/bus/catalogue.js';
import type { EventData } from '../../infra/bus/catalogue.js';
import type { EventBus, EventType } from '../../infra/bus/types.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import type { ArrivingCall, CallLog } from './call-ports.js';
import type { Call } from './model/call.js';

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

  /** `call.arrived`: the INVITE was admitted and its entry point found. */
  arrived(info: ArrivingCall): void {
    const e = info.entry;
    this.publish('callArrived', {
      callId: info.callId,
      sipCallId: info.sipCallId,
      ...(info.gatewayId !== undefined ? { gatewayId: info.gatewayId } : {}),
      caller: info.caller,
      callerRestricted: info.callerRestricted,
      dialled: info.dialled,
      entry: e.kind === 'queue' ? { kind: 'queue', id: e.queueId } : { kind: 'agent', id: e.agentId },
    });
  }

  /** `call.ended`: every leg, offer and timer of the call is gone. */
  ended(call: Call, waitMs: number, talkMs: number | undefined): void {
    this.publish('callEnded', {
      callId: call.id,
      outcome: call.outcome ?? 'failed',
      ...(call.status !== undefined ? { status: call.status } : {}),
      ...(call.hungUpBy !== undefined ? { hungUpBy: call.hungUpBy } : {}),
      ...(call.queueId !== undefined ? { queueId: call.queueId } : {}),
      ...(call.agentId !== undefined ? { agentId: call.agentId } : {}),
      waitMs,
      ...(talkMs !== undefined ? { talkMs } : {}),
    });
  }
}
