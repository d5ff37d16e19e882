/** A queue's live state for `queue.state` (pure): opening, depth, longest wait, agents. */
import { channelAvailability } from '../model/agent-availability.js';
import { isOpen } from '../queues/model/opening-hours.js';
import type { QueueEntry } from '../queues/model/queue-entry.js';
import type { QueueSpecData } from '../queues/model/queue-schema.js';
import type { AgentBook } from './agent-book.js';
import type { QueueStateData } from './queue-state-publisher.js';

export function queueSnapshot(
  spec: QueueSpecData | undefined,
  queueId: string,
  entries: readonly QueueEntry[],
  book: AgentBook,
  nowMs: number,
): Omit<QueueStateData, 'at'> {
  const present = entries.filter(
    (e) => e.queueId === queueId && (e.state === 'waiting' || e.state === 'offering'),
  );
  const waiting = present.filter((e) => e.state === 'waiting');
  const members = (spec?.members ?? []).flatMap((m) => {
    const a = book.get(m.agentId);
    return a ? [a] : [];
  });
  const open = spec !== undefined && isOpen(spec.hours, nowMs);
  const full = spec !== undefined && spec.maxSize > 0 && present.length >= spec.maxSize;
  const oldest = Math.min(...waiting.map((e) => e.enteredMs));
  return {
    queueId,
    open,
    accepting: open && !full,
    depth: waiting.length,
    longestWaitMs: waiting.length === 0 ? 0 : Math.max(0, Math.round(nowMs - oldest)),
    availableAgents: members.filter(
      (a) => channelAvailability(a, 'voice') === 'available' && !a.work.some((w) => w.state === 'reserved'),
    ).length,
    loggedInAgents: members.filter((a) => a.mode !== 'logged-out').length,
  };
}
