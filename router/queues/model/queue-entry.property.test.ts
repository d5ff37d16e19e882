/**
 * Property test of the queue-entry state machine: random event sequences, checking after every
 * step that the version grows by one per accepted event only, that `offer` is present exactly
 * while offering with distinct agents, that final states absorb every event, and that the failure
 * counters add up to the failed offers accepted.
 */
import fc from 'fast-check';
import t from 'tap';
import { FINAL_STATES, newEntry, transitionEntry } from './queue-entry.js';
import type { EntryEvent } from './queue-entry.js';

const agentId = fc.constantFrom('a', 'b', 'c');
const event: fc.Arbitrary<EntryEvent> = fc.oneof(
  fc.record({
    type: fc.constant('offer' as const),
    offerId: fc.constant('o'),
    agentIds: fc.subarray(['a', 'b', 'c']),
    ringTimeoutMs: fc.integer({ min: -1, max: 5000 }),
  }),
  fc.record({ type: fc.constant('answered' as const), agentId }),
  fc.record({
    type: fc.constant('offer-failed' as const),
    agentId,
    reason: fc.constantFrom('no-answer' as const, 'declined' as const, 'busy' as const),
  }),
  fc.constantFrom<EntryEvent>({ type: 'offer-withdrawn' }, { type: 'abandon' }, { type: 'time-out' }),
  fc.constant<EntryEvent>({ type: 'overflow', target: { queue: 'q2' } }),
  fc.constant<EntryEvent>({ type: 'reject', status: 486 }),
);

t.test('entry invariants hold over random event sequences', (t) => {
  fc.assert(
    fc.property(fc.array(event, { maxLength: 30 }), (events) => {
      let e = newEntry('e', 'q', '+1', 0);
      let failed = 0;
      for (const [i, ev] of events.entries()) {
        const r = transitionEntry(e, ev, i);
        if (FINAL_STATES.includes(e.state) && r.ok) return false;
        if (!r.ok) continue;
        if (r.entry.version !== e.version + 1) return false;
        if (ev.type === 'offer-failed') failed += 1;
        e = r.entry;
        const offer = e.offer;
        if ((e.state === 'offering') !== (offer !== undefined)) return false;
        if (offer && (offer.agentIds.length === 0 || new Set(offer.agentIds).size !== offer.agentIds.length))
          return false;
      }
      return e.failures['no-answer'] + e.failures.declined + e.failures.busy === failed;
    }),
    { numRuns: 500 },
  );
  t.pass('property held');
  t.end();
});
