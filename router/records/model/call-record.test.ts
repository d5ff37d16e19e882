/**
 * The call and offer records are the same whatever the order of the events and however often each
 * is delivered (property tests over the test kit's scenarios), and metrics facts come out exactly
 * once per call/offer. Plus the specific cases: ended before answered, conflicts, late arrival.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import t from 'tap';
import { abandonedCall, answeredCall, overflowedCall, rejectedCall, T0 } from '../records-testkit.js';
import { advancePhase, mergeCallEvent } from './call-record.js';
import type { CallFact, CallRecord } from './call-record.js';
import { mergeOfferEvent } from './offer-record.js';
import type { OfferFact, OfferRecord } from './offer-record.js';
import { isOfferEvent } from './record-events.js';
import type { RecordEvent } from './record-events.js';

interface Folded {
  call: CallRecord | undefined;
  offers: Map<string, OfferRecord>;
  facts: (CallFact | OfferFact)[];
  conflicts: string[];
}

function fold(events: readonly RecordEvent[]): Folded {
  const out: Folded = { call: undefined, offers: new Map(), facts: [], conflicts: [] };
  for (const e of events) {
    const m = isOfferEvent(e)
      ? mergeOfferEvent(out.offers.get(e.data.offerId), e)
      : mergeCallEvent(out.call, e);
    if (m.kind === 'conflict') out.conflicts.push(m.reason);
    if (m.kind !== 'changed') continue;
    if ('offerId' in m.record) out.offers.set(m.record.offerId, m.record);
    else out.call = m.record;
    out.facts.push(...m.facts);
  }
  return out;
}

const factKey = (f: CallFact | OfferFact): string => JSON.stringify(f);

const scenarios: [string, RecordEvent[]][] = [
  ['answered', answeredCall({ callId: 'c1' })],
  ['abandoned', abandonedCall({ callId: 'c2' })],
  ['overflowed', overflowedCall({ callId: 'c3' })],
  ['rejected', rejectedCall({ callId: 'c4' })],
];

t.test('in order: the records and facts of each scenario', (t) => {
  const answered = fold(scenarios[0]?.[1] ?? []);
  t.match(answered.call, {
    phase: 'ended',
    startedAt: new Date(T0),
    arrivedAt: new Date(T0),
    sipCallId: 'sip-c1',
    queueId: 'sales',
    priority: 0,
    waitMs: 12_000,
    agentId: 'a2',
    answeredAt: new Date(T0 + 12_000),
    talkMs: 60_000,
    outcome: 'completed',
    hungUpBy: 'agent',
  });
  t.same(
    [...answered.offers.values()].map((o) => [o.agentId, o.outcome, o.ringMs]),
    [
      ['a1', 'no-answer', 5_000],
      ['a2', 'answered', 3_000],
    ],
  );
  t.same(answered.facts.map((f) => f.kind).sort(), ['answered', 'ended', 'offer-ended', 'offer-ended']);
  t.match(fold(scenarios[1]?.[1] ?? []).call, { outcome: 'abandoned', waitMs: 30_000, agentId: null });
  t.match(fold(scenarios[2]?.[1] ?? []).call, {
    overflowTarget: '+33199999999',
    waitMs: 62_000,
    agentId: null,
  });
  t.match(fold(scenarios[3]?.[1] ?? []).call, { outcome: 'rejected', sipStatus: 480, phase: 'ended' });
  t.end();
});

/** A permutation of `events` where some events are delivered twice. */
const shuffledWithDuplicates = (events: RecordEvent[]) =>
  fc
    .tuple(
      fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
      fc.array(fc.nat(events.length - 1), { maxLength: events.length }),
    )
    .chain(([perm, dups]) => {
      const withDups = [...perm, ...dups.map((i) => perm[i] as RecordEvent)];
      return fc.shuffledSubarray(withDups, { minLength: withDups.length, maxLength: withDups.length });
    });

for (const [name, events] of scenarios) {
  t.test(`${name}: any order, any duplicates → the same records, each fact once`, (t) => {
    const expected = fold(events);
    const sorted = <T>(xs: T[]): T[] => [...xs].sort();
    const property = fc.property(shuffledWithDuplicates(events), (delivered) => {
      const got = fold(delivered);
      return (
        isDeepStrictEqual(got.call, expected.call) &&
        isDeepStrictEqual(sorted([...got.offers.entries()]), sorted([...expected.offers.entries()])) &&
        isDeepStrictEqual(sorted(got.facts.map(factKey)), sorted(expected.facts.map(factKey))) &&
        got.conflicts.length === 0
      );
    });
    t.doesNotThrow(() => fc.assert(property, { numRuns: 200, seed: 5 }));
    t.end();
  });
}

t.test('ended before answered still gives the answered row (wait from answered)', (t) => {
  const events = answeredCall({ callId: 'c9', waitMs: 7_000 });
  const ended = events.find((e) => e.type === 'call.ended');
  const answered = events.find((e) => e.type === 'call.answered');
  if (!ended || !answered) throw new Error('scenario');
  const first = mergeCallEvent(undefined, ended);
  t.equal(first.kind, 'changed');
  if (first.kind !== 'changed') throw new Error('the end applies');
  t.match(first.record, { phase: 'ended', outcome: 'completed', arrivedAt: null, waitMs: 7_000 });
  const second = mergeCallEvent(first.record, answered);
  t.match(second, {
    kind: 'changed',
    record: { phase: 'ended', answeredAt: new Date(T0 + 7_000), agentId: 'a2' },
  });
  t.same(second.kind === 'changed' ? second.facts.map((f) => f.kind) : [], ['answered']);
  t.end();
});

t.test('a once-per-call event seen again with other content is a conflict; the first stays', (t) => {
  const [arrived] = rejectedCall({ callId: 'c5' });
  if (arrived?.type !== 'call.arrived') throw new Error('scenario');
  const r = mergeCallEvent(undefined, arrived);
  if (r.kind !== 'changed') throw new Error('first arrival applies');
  t.same(mergeCallEvent(r.record, arrived), { kind: 'unchanged' });
  const other = { ...arrived, data: { ...arrived.data, caller: '+1555' } };
  t.match(mergeCallEvent(r.record, other), { kind: 'conflict', reason: /call.arrived seen again/ });
  t.match(mergeCallEvent(undefined, { ...arrived, data: { ...arrived.data, at: 'yesterday' } }), {
    kind: 'conflict',
    reason: /unreadable time/,
  });
  t.end();
});

t.test('phases only move forward', (t) => {
  t.equal(advancePhase(undefined, 'call.ended'), 'ended');
  t.equal(advancePhase('ended', 'call.arrived'), 'ended');
  t.equal(advancePhase('arrived', 'call.queued'), 'queued');
  t.equal(advancePhase('connected', 'call.overflowed'), 'connected');
  t.equal(advancePhase('queued', 'call.answered'), 'connected');
  t.end();
});

t.test('an offer naming another agent is refused', (t) => {
  const events = abandonedCall({ callId: 'c6' });
  const offered = events.find((e) => e.type === 'call.offered');
  const ended = events.find((e) => e.type === 'call.offer-ended');
  if (offered?.type !== 'call.offered' || ended?.type !== 'call.offer-ended') throw new Error('scenario');
  const r = mergeOfferEvent(undefined, offered);
  if (r.kind !== 'changed') throw new Error('offer applies');
  t.match(mergeOfferEvent(r.record, { ...ended, data: { ...ended.data, agentId: 'zz' } }), {
    kind: 'conflict',
    reason: /two agents/,
  });
  t.end();
});
