/** The transport counters, all starting at zero. */
import type { TransportStats } from './types.js';

export function emptyStats(): TransportStats {
  return {
    messagesReceived: 0,
    bytesReceived: 0,
    messagesSent: 0,
    bytesSent: 0,
    malformed: 0,
    droppedRateLimited: 0,
    droppedOversize: 0,
    sendFailures: 0,
    keepalivesAnswered: 0,
    connectionsOpen: 0,
    connectionsTotal: 0,
    connectionsRefused: 0,
    connectionsClosedGarbage: 0,
    connectionsClosedIdle: 0,
  };
}
