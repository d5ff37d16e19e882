/**
 * Feeds queue presence from the bus: `queue.state.<queueId>` (live state, from call control) and
 * the call events behind the expected wait (`call.arrived`, `call.answered`, `call.ended`). The
 * bus validates every payload against the catalogue on receipt (infra/bus), so the data here has
 * the catalogue's shape.
 */
import type { Static } from '@sinclair/typebox';
import { CALL_EVENTS } from '../../infra/bus/call-events.js';
import type { EventBus, Unsubscribe } from '../../infra/bus/index.js';
import type { QueuePresence } from './queue-presence.js';

type QueueState = Static<typeof CALL_EVENTS.queueState.schema>;
type Arrived = Static<typeof CALL_EVENTS.callArrived.schema>;
type Answered = Static<typeof CALL_EVENTS.callAnswered.schema>;
type Ended = Static<typeof CALL_EVENTS.callEnded.schema>;

export function feedQueuePresence(bus: EventBus, presence: QueuePresence): Unsubscribe {
  const stops = [
    bus.subscribe(`${CALL_EVENTS.queueState.type}.>`, (e) => {
      const d = e.data as QueueState;
      presence.queueState(d.queueId, {
        open: d.open,
        accepting: d.accepting,
        depth: d.depth,
        longestWaitMs: d.longestWaitMs,
        availableAgents: d.availableAgents,
        loggedInAgents: d.loggedInAgents,
        ...(d.nextOpenAt !== undefined ? { nextOpenAt: d.nextOpenAt } : {}),
      });
    }),
    bus.subscribe(`${CALL_EVENTS.callArrived.type}.>`, (e) => {
      const d = e.data as Arrived;
      if (d.entry.kind === 'queue') presence.callArrived(d.entry.id);
    }),
    bus.subscribe(`${CALL_EVENTS.callAnswered.type}.>`, (e) => {
      const d = e.data as Answered;
      if (d.queueId !== undefined && d.agentId !== undefined) presence.callAnswered(d.queueId, d.waitMs);
    }),
    bus.subscribe(`${CALL_EVENTS.callEnded.type}.>`, (e) => {
      const d = e.data as Ended;
      if (d.queueId !== undefined) presence.callEnded(d.queueId, d);
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
