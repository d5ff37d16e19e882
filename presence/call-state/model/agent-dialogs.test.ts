import fc from 'fast-check';
import t from 'tap';
import { AgentDialogs } from './agent-dialogs.js';
import type { CallFact, OfferOutcome } from './call-facts.js';

const OPTS = { lingerMs: 5000, memoryMs: 60_000, maxMemory: 100 };
const offered = (callId: string, offerId: string, agentId = 'a1'): CallFact => ({
  kind: 'offered',
  callId,
  offerId,
  agentId,
});
const answeredOffer = (callId: string, offerId: string, agentId = 'a1'): CallFact => ({
  kind: 'offer-ended',
  callId,
  offerId,
  agentId,
  outcome: 'answered',
});
const offerEnded = (callId: string, offerId: string, outcome: OfferOutcome, status?: number): CallFact => ({
  kind: 'offer-ended',
  callId,
  offerId,
  agentId: 'a1',
  outcome,
  ...(status ? { status } : {}),
});
const answered = (callId: string, agentId = 'a1'): CallFact => ({ kind: 'answered', callId, agentId });
const ended = (callId: string, hungUpBy?: 'caller' | 'agent' | 'system'): CallFact =>
  hungUpBy === undefined ? { kind: 'ended', callId } : { kind: 'ended', callId, hungUpBy };
const states = (m: AgentDialogs, agentId = 'a1', now = 0) =>
  m.dialogsOf(agentId, now).map((d) => [d.id, d.state, d.event ?? null]);

t.test('offer → early (recipient), answer → confirmed, caller BYE → terminated, then removed', (t) => {
  const m = new AgentDialogs(OPTS);
  t.same(m.apply(offered('c1', 'o1'), 0), ['a1']);
  t.match(m.dialogsOf('a1', 1500), [{ id: 'o1', direction: 'recipient', state: 'early', duration: 1 }]);
  t.same(m.apply(answeredOffer('c1', 'o1'), 2000), ['a1']);
  t.same(m.apply(answered('c1'), 2000), [], 'the second word of the same answer changes nothing');
  t.same(states(m), [['o1', 'confirmed', null]]);
  t.same(m.apply(ended('c1', 'caller'), 9000), ['a1']);
  t.match(m.dialogsOf('a1', 20_000), [{ state: 'terminated', event: 'remote-bye', duration: 9 }]);
  t.equal(m.nextSweepMs(), 14_000, 'removal due after the linger');
  t.same(m.sweep(13_999), [], 'still shown during the linger');
  t.same(m.sweep(14_000), ['a1']);
  t.same(m.dialogsOf('a1', 14_000), []);
  t.equal(m.nextSweepMs(), undefined);
  t.end();
});

t.test('how dialogs end (RFC 4235 §4.1.2 events)', (t) => {
  const m = new AgentDialogs(OPTS);
  const cases: [CallFact, CallFact, unknown][] = [
    [offered('c1', 'o1'), offerEnded('c1', 'o1', 'no-answer'), { event: 'cancelled' }],
    [offered('c2', 'o2'), offerEnded('c2', 'o2', 'busy', 486), { event: 'rejected', code: 486 }],
    [offered('c3', 'o3'), offerEnded('c3', 'o3', 'declined'), { event: 'rejected' }],
    [offered('c4', 'o4'), offerEnded('c4', 'o4', 'failed', 503), { event: 'error', code: 503 }],
    [offered('c5', 'o5'), ended('c5', 'caller'), { event: 'cancelled' }],
    [answered('c6'), ended('c6', 'agent'), { event: 'local-bye' }],
    [answered('c7'), ended('c7', 'system'), { event: 'remote-bye' }],
  ];
  for (const [start, end] of cases) {
    m.apply(start, 0);
    m.apply(end, 1);
  }
  const byCall = new Map(m.dialogsOf('a1', 2).map((d) => [d.id, d]));
  for (const [start, , expected] of cases) {
    const id = start.kind === 'offered' ? start.offerId : 'callId' in start ? start.callId : '';
    t.match(byCall.get(id), { state: 'terminated', ...(expected as object) }, id);
  }
  t.end();
});

t.test('duplicates and late facts never move a dialog back nor light a lamp again', (t) => {
  const m = new AgentDialogs(OPTS);
  m.apply(offered('c1', 'o1'), 0);
  t.same(m.apply(offered('c1', 'o1'), 1), [], 'a repeated offer');
  m.apply(answered('c1'), 2);
  t.same(m.apply(offered('c1', 'o1'), 3), [], 'an offer after the answer');
  m.apply(ended('c1'), 4);
  t.same(m.apply(ended('c1'), 5), [], 'a repeated end');
  t.same(m.apply(answered('c1'), 6), [], 'an answer after the end');
  m.sweep(10_000);
  t.same(m.apply(offered('c1', 'o1'), 10_001), [], 'the offer again, after the dialog was removed');
  t.same(m.apply(answered('c1'), 10_002), [], 'the answer again, after the dialog was removed');
  t.same(m.dialogsOf('a1', 10_003), []);
  t.end();
});

t.test('out of order: the answer before its offer; the offer end before the offer', (t) => {
  const m = new AgentDialogs(OPTS);
  t.same(m.apply(answered('c1'), 0), ['a1']);
  t.same(m.apply(offered('c1', 'o1'), 1), [], 'a late offer does not turn confirmed into early');
  t.same(states(m), [['c1', 'confirmed', null]]);
  t.same(m.apply(offerEnded('c2', 'o2', 'no-answer'), 2), [], 'nothing to end yet');
  t.same(m.apply(offered('c2', 'o2'), 3), [], 'an offer that already ended lights nothing');
  t.same(states(m), [['c1', 'confirmed', null]]);
  t.end();
});

t.test('an agent in two calls has two dialogs; each ends on its own', (t) => {
  const m = new AgentDialogs(OPTS);
  m.apply(offered('c1', 'o1'), 0);
  m.apply(answered('c1'), 1000);
  m.apply(offered('c2', 'o2'), 2000);
  t.same(states(m), [
    ['o1', 'confirmed', null],
    ['o2', 'early', null],
  ]);
  m.apply(ended('c1', 'agent'), 3000);
  t.same(states(m), [
    ['o1', 'terminated', 'local-bye'],
    ['o2', 'early', null],
  ]);
  m.apply(answered('c2'), 4000);
  m.sweep(8000);
  t.same(states(m), [['o2', 'confirmed', null]]);
  t.end();
});

t.test('a call ringing two agents: the caller hangs up → both dialogs end', (t) => {
  const m = new AgentDialogs(OPTS);
  m.apply(offered('c1', 'o1', 'a4'), 0);
  m.apply(offered('c1', 'o2', 'a5'), 0);
  t.same([...m.apply(ended('c1', 'caller'), 10)].sort(), ['a4', 'a5']);
  t.same(states(m, 'a4'), [['o1', 'terminated', 'cancelled']]);
  t.same(states(m, 'a5'), [['o2', 'terminated', 'cancelled']]);
  t.end();
});

t.test('the same call offered again after a no-answer is a new dialog', (t) => {
  const m = new AgentDialogs(OPTS);
  m.apply(offered('c1', 'o1'), 0);
  m.apply(offerEnded('c1', 'o1', 'no-answer'), 1);
  t.same(m.apply(offered('c1', 'o2'), 2), ['a1']);
  t.same(states(m), [['o2', 'early', null]]);
  t.same(m.apply(offerEnded('c1', 'o1', 'no-answer'), 3), [], 'the old offer ends nothing new');
  t.end();
});

t.test('an idle agent (no offer, call or wrap-up) has no live dialog', (t) => {
  const m = new AgentDialogs(OPTS);
  t.same(m.apply({ kind: 'agent-idle', agentId: 'a1' }, 0), [], 'nothing to end');
  m.apply(offered('c1', 'o1'), 0);
  m.apply(answered('c2'), 0);
  t.same(m.apply({ kind: 'agent-idle', agentId: 'a1' }, 1), ['a1']);
  t.same(
    m.dialogsOf('a1', 1).map((d) => [d.state, d.event]),
    [
      ['terminated', undefined],
      ['terminated', undefined],
    ],
  );
  t.end();
});

t.test('ended ids are remembered for memoryMs, at most maxMemory of them', (t) => {
  const m = new AgentDialogs({ lingerMs: 10, memoryMs: 1000, maxMemory: 2 });
  for (const c of ['c1', 'c2', 'c3']) m.apply(ended(c), 0);
  t.same(m.apply(offered('c1', 'o1'), 1), ['a1'], 'the oldest was forgotten beyond maxMemory');
  t.same(m.apply(offered('c3', 'o3'), 1), [], 'the newest is remembered');
  m.apply(ended('c1'), 2);
  m.sweep(2000);
  t.same(m.apply(offered('c3', 'o3b'), 2001), ['a1'], 'forgotten after memoryMs');
  t.end();
});

t.test("property: however a call's facts are repeated and reordered, its lamps go dark", (t) => {
  const lifecycle: CallFact[] = [
    offered('c1', 'o1', 'a1'),
    offered('c1', 'o2', 'a2'),
    { kind: 'offer-ended', callId: 'c1', offerId: 'o2', agentId: 'a2', outcome: 'no-answer' },
    answeredOffer('c1', 'o1', 'a1'),
    answered('c1', 'a1'),
    ended('c1', 'caller'),
  ];
  const delivered = fc.array(fc.nat(lifecycle.length - 1), { maxLength: lifecycle.length }).chain((dups) => {
    const all = [...lifecycle, ...dups.map((i) => lifecycle[i] as CallFact)];
    return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
  });
  const property = fc.property(delivered, (facts) => {
    const m = new AgentDialogs(OPTS);
    facts.forEach((f, i) => m.apply(f, i));
    const live = ['a1', 'a2'].flatMap((a) => m.dialogsOf(a, 100)).filter((d) => d.state !== 'terminated');
    m.sweep(100 + OPTS.lingerMs);
    return live.length === 0 && m.agentIds().length === 0;
  });
  t.doesNotThrow(() => fc.assert(property, { numRuns: 300, seed: 11 }));
  t.end();
});
