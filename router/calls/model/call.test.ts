import t from 'tap';
import { newCall, transitionCall, waitMs } from './call.js';
import type { Call, CallEvent } from './call.js';

function run(events: CallEvent[], start: Call = newCall('c1', 1000)): Call {
  return events.reduce((c, e, i) => {
    const r = transitionCall(c, e, 2000 + i * 1000);
    if (!r.ok) throw new Error(r.message);
    return r.call;
  }, start);
}

t.test('queued → offering → connected → ended (completed), versions and times', (t) => {
  const c = run([
    { type: 'queued', queueId: 'q' },
    { type: 'offering' },
    { type: 'offer-ended' },
    { type: 'offering' },
    { type: 'answered', agentId: 'a1' },
    { type: 'hangup', by: 'agent' },
  ]);
  t.match(c, {
    state: 'ended',
    outcome: 'completed',
    hungUpBy: 'agent',
    agentId: 'a1',
    queueId: 'q',
    version: 6,
  });
  t.equal(c.queuedMs, 2000);
  t.equal(c.answeredMs, 6000);
  t.equal(waitMs(c, 99_999), 4000, 'wait ends at the answer');
  t.end();
});

t.test('caller gone: abandoned before the answer, completed after', (t) => {
  t.match(run([{ type: 'queued', queueId: 'q' }, { type: 'caller-gone' }]), {
    outcome: 'abandoned',
    hungUpBy: 'caller',
  });
  t.match(
    run([
      { type: 'queued', queueId: 'q' },
      { type: 'offering' },
      { type: 'answered', agentId: 'a' },
      { type: 'caller-gone' },
    ]),
    { outcome: 'completed', hungUpBy: 'caller' },
  );
  t.end();
});

t.test('refusals, time-out and overflow end with their outcome', (t) => {
  t.match(run([{ type: 'refused', status: 480 }]), { outcome: 'rejected', status: 480 });
  t.match(run([{ type: 'refused', status: 486, queueId: 'closed' }]), {
    outcome: 'rejected',
    queueId: 'closed',
  });
  t.match(
    run([
      { type: 'queued', queueId: 'q' },
      { type: 'refused', status: 408, timedOut: true, queueId: 'other' },
    ]),
    { queueId: 'q' },
    'a queued call keeps the queue it waited in',
  );
  t.match(
    run([
      { type: 'queued', queueId: 'q' },
      { type: 'refused', status: 408, timedOut: true },
    ]),
    {
      outcome: 'timed-out',
      status: 408,
    },
  );
  t.match(
    run([
      { type: 'queued', queueId: 'q' },
      { type: 'overflow', target: '+1555' },
      { type: 'overflow-failed', status: 486 },
    ]),
    {
      outcome: 'overflowed',
      overflowTarget: '+1555',
    },
  );
  t.match(
    run([
      { type: 'queued', queueId: 'q' },
      { type: 'requeued', queueId: 'q2' },
    ]),
    { state: 'queued', queueId: 'q2', queuedMs: 2000 },
  );
  t.end();
});

t.test('illegal moves are refused values and change nothing', (t) => {
  const ended = run([{ type: 'refused', status: 480 }]);
  for (const e of [
    { type: 'queued', queueId: 'q' },
    { type: 'caller-gone' },
    { type: 'failed' },
  ] as CallEvent[]) {
    const r = transitionCall(ended, e, 0);
    t.equal(r.ok, false, `${e.type} after the end`);
  }
  const r = transitionCall(newCall('c', 0), { type: 'answered', agentId: 'a' }, 0);
  t.match(r, { ok: false, code: 'illegal-state' });
  t.match(transitionCall(newCall('c', 0), { type: 'hangup', by: 'caller' }, 0), { ok: false });
  t.end();
});
