import t from 'tap';
import { agentStatus, availability, newAgent, unavailabilityReasons } from './agent.js';
import type { Agent, AgentEvent } from './agent.js';
import { config, ok, refused, run, work, readyAgent } from './agent-testkit.js';

t.test('offer: reserved with a deadline timer; the channel is then full', (t) => {
  const r = ok(readyAgent(), { type: 'offer', offerId: 'o1', channel: 'voice', timeoutMs: 20_000 }, 100);
  t.same(r.agent.work, [
    { state: 'reserved', channel: 'voice', offerId: 'o1', deadlineMs: 20_100, timerId: 'a1#t1' },
  ]);
  t.same(work(r.effects), [{ type: 'start-timer', timerId: 'a1#t1', atMs: 20_100 }]);
  t.equal(agentStatus(r.agent), 'reserved');
  t.same(availability(r.agent), { voice: 'unavailable', chat: 'available' });
  t.same(unavailabilityReasons(r.agent, 'voice'), ['at-capacity']);
  t.end();
});

t.test('offer is refused when the agent is not available on that channel', (t) => {
  const o = (channel: 'voice' | 'chat', offerId = 'o1'): AgentEvent => ({
    type: 'offer',
    offerId,
    channel,
    timeoutMs: 1000,
  });
  t.equal(refused(newAgent('a1', config), o('chat')).code, 'not-logged-in');
  const noDevice = run(newAgent('a1', config), [{ type: 'log-in' }]);
  const r = refused(noDevice, o('voice'));
  t.equal(r.code, 'not-available');
  t.match(r.message, /no-registered-device/);
  t.equal(
    refused(ok(readyAgent(), { type: 'set-not-ready', reason: 'x' }).agent, o('chat')).code,
    'not-available',
  );
  const away = ok(readyAgent(), { type: 'presence-changed', available: false, reason: 'away' }).agent;
  t.match(refused(away, o('chat')).message, /presence/);
  const reserved = ok(readyAgent(), o('chat')).agent;
  t.equal(refused(reserved, o('chat')).code, 'duplicate-offer');
  t.equal(
    refused(readyAgent(), { type: 'offer', offerId: 'o', channel: 'fax' as 'voice', timeoutMs: 1 }).code,
    'unknown-channel',
  );
  t.equal(
    refused(readyAgent(), { type: 'offer', offerId: 'o', channel: 'chat', timeoutMs: 0 }).code,
    'invalid-event',
  );
  t.equal(
    refused(readyAgent(), { type: 'offer', offerId: '', channel: 'chat', timeoutMs: 5 }).code,
    'invalid-event',
  );
  const noChat = readyAgent({ ...config, capacity: { voice: 1, chat: 0 } });
  t.match(refused(noChat, o('chat')).message, /channel-disabled/);
  t.end();
});

t.test('chat capacity N: N offers fit, the next is refused; call-started respects capacity too', (t) => {
  let a = readyAgent();
  a = run(a, [
    { type: 'offer', offerId: 'c1', channel: 'chat', timeoutMs: 1000 },
    { type: 'offer', offerId: 'c2', channel: 'chat', timeoutMs: 1000 },
  ]);
  t.equal(
    refused(a, { type: 'offer', offerId: 'c3', channel: 'chat', timeoutMs: 1000 }).code,
    'not-available',
  );
  t.equal(refused(a, { type: 'call-started', callId: 'x', channel: 'chat' }).code, 'capacity-exceeded');
  t.equal(availability(a).voice, 'available', 'channels are independent');
  t.end();
});

t.test('offer accepted: on-call, timer cancelled, no-answer count reset', (t) => {
  let a = run(readyAgent(), [
    { type: 'offer', offerId: 'o1', channel: 'voice', timeoutMs: 1000 },
    { type: 'offer-unanswered', offerId: 'o1' },
    { type: 'offer', offerId: 'o2', channel: 'voice', timeoutMs: 1000 },
  ]);
  t.equal(a.noAnswerCount, 1);
  const r = ok(a, { type: 'offer-accepted', offerId: 'o2', callId: 'call-1' }, 50);
  a = r.agent;
  t.same(a.work, [{ state: 'on-call', channel: 'voice', callId: 'call-1', offerId: 'o2', sinceMs: 50 }]);
  t.same(work(r.effects), [{ type: 'cancel-timer', timerId: 'a1#t2' }]);
  t.equal(a.noAnswerCount, 0);
  t.equal(agentStatus(a), 'on-call');
  t.equal(refused(a, { type: 'offer-accepted', offerId: 'o2', callId: 'call-2' }).code, 'unknown-offer');
  const chat = run(readyAgent(), [
    { type: 'call-started', callId: 'k', channel: 'chat' },
    { type: 'offer', offerId: 'o', channel: 'chat', timeoutMs: 10 },
  ]);
  t.equal(refused(chat, { type: 'offer-accepted', offerId: 'o', callId: 'k' }).code, 'duplicate-call');
  t.end();
});

t.test('declined and withdrawn offers free the slot without counting a no-answer', (t) => {
  for (const type of ['offer-declined', 'offer-withdrawn'] as const) {
    const a = ok(readyAgent(), { type: 'offer', offerId: 'o1', channel: 'voice', timeoutMs: 1000 }).agent;
    const r = ok(a, { type, offerId: 'o1' });
    t.same(r.agent.work, []);
    t.equal(r.agent.noAnswerCount, 0);
    t.same(work(r.effects), [{ type: 'cancel-timer', timerId: 'a1#t1' }]);
    t.equal(refused(r.agent, { type, offerId: 'o1' }).code, 'unknown-offer');
  }
  t.end();
});

t.test(
  'N consecutive no-answers (unanswered or timed out) → not-ready "no-answer"; set-ready resets',
  (t) => {
    let a = readyAgent();
    a = run(a, [
      { type: 'offer', offerId: 'o1', channel: 'voice', timeoutMs: 1000 },
      { type: 'offer-unanswered', offerId: 'o1' },
      { type: 'offer', offerId: 'o2', channel: 'voice', timeoutMs: 1000 },
    ]);
    const timedOut = ok(a, { type: 'timer-fired', timerId: 'a1#t2' });
    t.same(work(timedOut.effects), [{ type: 'revoke-offer', offerId: 'o2', reason: 'timeout' }]);
    a = ok(timedOut.agent, { type: 'offer', offerId: 'o3', channel: 'voice', timeoutMs: 1000 }).agent;
    t.equal(a.mode, 'ready');
    const last = ok(a, { type: 'offer-unanswered', offerId: 'o3' });
    a = last.agent;
    t.same([a.mode, a.notReadyReason, a.noAnswerCount], ['not-ready', 'no-answer', 3]);
    const emitted = last.effects.at(-1);
    t.match(emitted, {
      type: 'emit',
      event: { from: 'reserved', to: 'not-ready', notReadyReason: 'no-answer' },
    });
    a = ok(a, { type: 'set-ready' }).agent;
    t.equal(a.noAnswerCount, 0);
    const never = readyAgent({ ...config, maxConsecutiveNoAnswers: 0 });
    const b = run(never, [
      { type: 'offer', offerId: 'o', channel: 'voice', timeoutMs: 1 },
      { type: 'offer-unanswered', offerId: 'o' },
    ]);
    t.equal(b.mode, 'ready', '0 disables the automatic pause');
    t.end();
  },
);

t.test('a timer that is not ours (stale, or already cancelled) is refused and changes nothing', (t) => {
  const a = ok(readyAgent(), { type: 'offer', offerId: 'o1', channel: 'voice', timeoutMs: 1000 }).agent;
  const accepted = ok(a, { type: 'offer-accepted', offerId: 'o1', callId: 'c' }).agent;
  t.equal(refused(accepted, { type: 'timer-fired', timerId: 'a1#t1' }).code, 'unknown-timer');
  t.equal(refused(a, { type: 'timer-fired', timerId: 'nope' }).code, 'unknown-timer');
  t.end();
});

t.test('call ended → wrap-up with a timer; the channel is busy until it fires', (t) => {
  let a = run(readyAgent(), [
    { type: 'offer', offerId: 'o1', channel: 'voice', timeoutMs: 1000 },
    { type: 'offer-accepted', offerId: 'o1', callId: 'c1' },
  ]);
  const r = ok(a, { type: 'call-ended', callId: 'c1' }, 1_000);
  a = r.agent;
  t.same(a.work, [
    {
      state: 'wrap-up',
      channel: 'voice',
      callId: 'c1',
      startedMs: 1_000,
      deadlineMs: 11_000,
      timerId: 'a1#t2',
    },
  ]);
  t.same(work(r.effects), [{ type: 'start-timer', timerId: 'a1#t2', atMs: 11_000 }]);
  t.equal(agentStatus(a), 'wrap-up');
  t.equal(availability(a).voice, 'unavailable');
  t.equal(refused(a, { type: 'call-ended', callId: 'c1' }).code, 'unknown-call');
  const done = ok(a, { type: 'timer-fired', timerId: 'a1#t2' }, 11_000);
  t.same(work(done.effects), []);
  t.equal(availability(done.agent).voice, 'available');
  const none = run(readyAgent({ ...config, wrapUpMs: 0 }), [
    { type: 'call-started', callId: 'c', channel: 'voice' },
    { type: 'call-ended', callId: 'c' },
  ]);
  t.same(none.work, [], 'no wrap-up when wrapUpMs is 0');
  t.end();
});

t.test('wrap-up: extendable up to maxWrapUpMs, and ended early by the agent', (t) => {
  let a = run(readyAgent(), [{ type: 'call-started', callId: 'c1', channel: 'voice' }], 0);
  a = ok(a, { type: 'call-ended', callId: 'c1' }, 0).agent;
  const ext = ok(a, { type: 'wrap-up-extend', callId: 'c1', extendMs: 15_000 });
  t.same(work(ext.effects), [
    { type: 'cancel-timer', timerId: 'a1#t1' },
    { type: 'start-timer', timerId: 'a1#t2', atMs: 25_000 },
  ]);
  a = ext.agent;
  t.equal(refused(a, { type: 'wrap-up-extend', callId: 'c1', extendMs: 5_001 }).code, 'wrap-up-limit');
  t.equal(refused(a, { type: 'wrap-up-extend', callId: 'c1', extendMs: -1 }).code, 'invalid-event');
  t.equal(refused(a, { type: 'wrap-up-extend', callId: 'zz', extendMs: 1 }).code, 'not-in-wrap-up');
  const done = ok(a, { type: 'wrap-up-done', callId: 'c1' });
  t.same(work(done.effects), [{ type: 'cancel-timer', timerId: 'a1#t2' }]);
  t.same(done.agent.work, []);
  t.equal(refused(done.agent, { type: 'wrap-up-done', callId: 'c1' }).code, 'not-in-wrap-up');
  t.end();
});

t.test("wrap-up: the queue's wrapUpMs from the offer overrides the agent's", (t) => {
  const offer = { type: 'offer', offerId: 'o1', channel: 'voice', timeoutMs: 5_000 } as const;
  const wrapOf = (wrapUpMs: number | undefined): Agent => {
    const offered = ok(readyAgent(), wrapUpMs === undefined ? offer : { ...offer, wrapUpMs }).agent;
    const onCall = ok(offered, { type: 'offer-accepted', offerId: 'o1', callId: 'c1' }, 100).agent;
    return ok(onCall, { type: 'call-ended', callId: 'c1' }, 1_000).agent;
  };
  t.match(
    wrapOf(45_000).work,
    [{ state: 'wrap-up', callId: 'c1', deadlineMs: 46_000 }],
    '45 s queue wrap-up',
  );
  t.match(
    wrapOf(undefined).work,
    [{ state: 'wrap-up', deadlineMs: 11_000 }],
    "no override: the agent's 10 s",
  );
  t.same(wrapOf(0).work, [], 'a queue wrap-up of 0: straight back to ready');
  t.equal(agentStatus(wrapOf(0)), 'ready');
  const lost = ok(ok(readyAgent(), { ...offer, wrapUpMs: 2_000 }).agent, {
    type: 'offer-accepted',
    offerId: 'o1',
    callId: 'c1',
  }).agent;
  const reconciled = ok(lost, { type: 'reconcile', liveCallIds: [] }, 50).agent;
  t.match(
    reconciled.work,
    [{ state: 'wrap-up', deadlineMs: 2_050 }],
    'a lost BYE ends in the queue wrap-up too',
  );
  t.equal(refused(readyAgent(), { ...offer, wrapUpMs: -1 }).code, 'invalid-event');
  t.equal(refused(readyAgent(), { ...offer, wrapUpMs: Number.NaN }).code, 'invalid-event');
  t.end();
});

t.test('call-started: outbound calls while not-ready are allowed, not while logged out', (t) => {
  const paused = ok(readyAgent(), { type: 'set-not-ready', reason: 'callbacks' }).agent;
  const a = ok(paused, { type: 'call-started', callId: 'out-1', channel: 'voice' }, 3).agent;
  t.same(a.work, [{ state: 'on-call', channel: 'voice', callId: 'out-1', sinceMs: 3 }]);
  t.equal(refused(a, { type: 'call-started', callId: 'out-1', channel: 'chat' }).code, 'duplicate-call');
  t.equal(
    refused(newAgent('z'), { type: 'call-started', callId: 'x', channel: 'voice' }).code,
    'not-logged-in',
  );
  t.end();
});

t.test(
  'reconcile: calls without a live dialog (lost BYE) go to wrap-up; nothing to do is a no-change',
  (t) => {
    const a = run(readyAgent(), [
      { type: 'call-started', callId: 'v', channel: 'voice' },
      { type: 'call-started', callId: 'k1', channel: 'chat' },
      { type: 'call-started', callId: 'k2', channel: 'chat' },
    ]);
    const r = ok(a, { type: 'reconcile', liveCallIds: ['k1'] }, 7);
    t.same(
      r.agent.work.map((w) => [w.state, w.state === 'reserved' ? w.offerId : w.callId]),
      [
        ['wrap-up', 'v'],
        ['on-call', 'k1'],
        ['wrap-up', 'k2'],
      ],
    );
    t.same(work(r.effects), [
      { type: 'start-timer', timerId: 'a1#t1', atMs: 10_007 },
      { type: 'start-timer', timerId: 'a1#t2', atMs: 10_007 },
    ]);
    t.equal(refused(r.agent, { type: 'reconcile', liveCallIds: ['k1'] }).code, 'no-change');
    t.end();
  },
);
