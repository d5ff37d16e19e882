/**
 * What customers see of a queue or a service, as values: the live state of each queue (from
 * `queue.state` events, or from the opening hours until the first one arrives), and the view of a
 * presence resource (one queue, or a service aggregating several). No I/O.
 */
import type { ExpectedWait } from '../policy/expected-wait.js';

/** A queue's live state (the `queue.state` bus event without its envelope fields). */
export interface QueueLive {
  readonly open: boolean;
  readonly accepting: boolean;
  readonly depth: number;
  readonly longestWaitMs: number;
  readonly availableAgents: number;
  readonly loggedInAgents: number;
  /** ISO-8601, when closed and an opening is known. */
  readonly nextOpenAt?: string;
}

/** One queue as a resource sees it: live state and its expected wait. */
export interface QueueFigures {
  readonly live: QueueLive;
  readonly wait: ExpectedWait;
}

/** What one presence document says. */
export interface ResourceView {
  /** RFC 3863 basic: open when open and accepting calls. */
  readonly open: boolean;
  readonly withinHours: boolean;
  readonly accepting: boolean;
  readonly depth: number;
  readonly availableAgents: number;
  readonly expectedWait: ExpectedWait;
  readonly nextOpenAt: string | undefined;
  readonly callbacksOffered: boolean;
}

/**
 * A service (or a single queue): open when any member is open and accepting; figures summed; the
 * expected wait is the shortest known one among accepting members; the earliest next opening.
 */
export function resourceView(members: readonly QueueFigures[], callbacksOffered: boolean): ResourceView {
  const accepting = members.filter((m) => m.live.open && m.live.accepting);
  const waits = accepting
    .map((m) => m.wait)
    .filter((w): w is Extract<ExpectedWait, { known: true }> => w.known)
    .sort((a, b) => a.seconds - b.seconds);
  const opens = members
    .map((m) => m.live.nextOpenAt)
    .filter((t): t is string => t !== undefined)
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  const withinHours = members.some((m) => m.live.open);
  return {
    open: accepting.length > 0,
    withinHours,
    accepting: accepting.length > 0,
    depth: members.reduce((n, m) => n + m.live.depth, 0),
    availableAgents: members.reduce((n, m) => n + m.live.availableAgents, 0),
    expectedWait: waits[0] ?? { known: false, reason: accepting.length > 0 ? 'no-data' : 'no-agents' },
    nextOpenAt: withinHours ? undefined : opens[0],
    callbacksOffered,
  };
}
