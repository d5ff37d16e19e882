import t from 'tap';
import { newEntry, transitionEntry } from './queue-entry.js';
import type { EntryEvent, QueueEntry } from './queue-entry.js';

function ok(e: QueueEntry, ev: EntryEvent, now = 100): QueueEntry {
  const r = transitionEntry(e, ev, now);
  if (!r.ok) throw new Error(r.message);
  return r.entry;
}

const fresh = () => newEntry('e1', 'sales', '+33100', 0, 2);
const offer = (agentIds: string[]): EntryEvent => ({
  type: 'offer',
  offerId: 'o1',
  agentIds,
  ringTimeoutMs: 5000,
});

t.test('waiting → offering → connected', (t) => {
  const ringing = ok(fresh(), offer(['a1']), 100);
  t.equal(ringing.state, 'offering');
  t.same(ringing.offer, { offerId: 'o1', agentIds: ['a1'], sinceMs: 100, deadlineMs: 5100 });
  t.equal(ringing.version, 1);
  const done = ok(ringing, { type: 'answered', agentId: 'a1' }, 300);
  t.equal(done.state, 'connected');
  t.equal(done.agentId, 'a1');
  t.equal(done.endedMs, 300);
  t.equal(done.offer, undefined);
  t.equal(done.version, 2);
  t.end();
});

t.test('no-answer, decline and busy return to waiting, counted and remembered', (t) => {
  let e = ok(fresh(), offer(['a1']));
  e = ok(e, { type: 'offer-failed', agentId: 'a1', reason: 'no-answer' });
  t.equal(e.state, 'waiting');
  e = ok(ok(e, offer(['a2'])), { type: 'offer-failed', agentId: 'a2', reason: 'declined' });
  e = ok(ok(e, offer(['a1'])), { type: 'offer-failed', agentId: 'a1', reason: 'busy' });
  t.same(e.failures, { 'no-answer': 1, declined: 1, busy: 1 });
  t.same(e.tried, ['a2', 'a1'], 'latest failure last, no duplicates');
  t.end();
});

t.test('ring-all: one failure removes that agent, the last failure returns to waiting', (t) => {
  let e = ok(fresh(), offer(['a1', 'a2']));
  e = ok(e, { type: 'offer-failed', agentId: 'a1', reason: 'declined' });
  t.equal(e.state, 'offering');
  t.same(e.offer?.agentIds, ['a2']);
  t.equal(transitionEntry(e, { type: 'answered', agentId: 'a1' }, 0).ok, false, 'a1 no longer rings');
  e = ok(e, { type: 'offer-failed', agentId: 'a2', reason: 'no-answer' });
  t.equal(e.state, 'waiting');
  t.end();
});

t.test('final outcomes', (t) => {
  t.equal(ok(fresh(), { type: 'abandon' }).state, 'abandoned');
  t.equal(ok(ok(fresh(), offer(['a1'])), { type: 'abandon' }).state, 'abandoned');
  const of = ok(fresh(), { type: 'overflow', target: { queue: 'spare' } });
  t.same([of.state, of.overflowTo], ['overflowed', { queue: 'spare' }]);
  const rj = ok(fresh(), { type: 'reject', status: 480 });
  t.same([rj.state, rj.status], ['rejected', 480]);
  t.equal(ok(fresh(), { type: 'time-out' }).state, 'timed-out');
  t.end();
});

t.test('illegal moves are refused as values', (t) => {
  const connected = ok(ok(fresh(), offer(['a1'])), { type: 'answered', agentId: 'a1' });
  for (const ev of [offer(['a2']), { type: 'abandon' }, { type: 'time-out' }] as EntryEvent[]) {
    const r = transitionEntry(connected, ev, 0);
    t.match(r, { ok: false, code: 'illegal-state' }, ev.type);
  }
  t.match(transitionEntry(fresh(), { type: 'answered', agentId: 'a1' }, 0), {
    ok: false,
    code: 'illegal-state',
  });
  t.match(transitionEntry(ok(fresh(), offer(['a1'])), offer(['a2']), 0), {
    ok: false,
    code: 'illegal-state',
  });
  t.match(transitionEntry(ok(fresh(), offer(['a1'])), { type: 'overflow', target: { queue: 'x' } }, 0), {
    ok: false,
  });
  t.match(transitionEntry(fresh(), offer([]), 0), { ok: false, code: 'invalid-event' });
  t.match(transitionEntry(fresh(), offer(['a1', 'a1']), 0), { ok: false, code: 'invalid-event' });
  t.match(transitionEntry(fresh(), { ...offer(['a1']), ringTimeoutMs: 0 } as EntryEvent, 0), { ok: false });
  const ringing = ok(fresh(), offer(['a1']));
  t.match(transitionEntry(ringing, { type: 'offer-failed', agentId: 'zz', reason: 'busy' }, 0), {
    ok: false,
    code: 'unknown-agent',
  });
  t.end();
});
