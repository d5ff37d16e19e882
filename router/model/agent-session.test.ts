import t from 'tap';
import {
  AgentTransitionError,
  agentStatus,
  availability,
  defaultAgentConfig,
  newAgent,
  unavailabilityReasons,
} from './agent.js';
import { config, ok, refused, run, work, readyAgent } from './agent-testkit.js';

t.test('a new agent is logged out and available nowhere', (t) => {
  const a = newAgent('a1');
  t.equal(a.version, 0);
  t.equal(agentStatus(a), 'logged-out');
  t.same(availability(a), { voice: 'unavailable', chat: 'unavailable' });
  t.same(a.config, defaultAgentConfig);
  t.end();
});

t.test('log-in: ready, version 1, one transition record; voice needs a registered device', (t) => {
  const r = ok(newAgent('a1', config), { type: 'log-in' }, 5);
  t.equal(r.agent.mode, 'ready');
  t.equal(r.agent.version, 1);
  t.same(r.effects, [
    {
      type: 'emit',
      event: {
        type: 'agent.transition',
        agentId: 'a1',
        version: 1,
        atMs: 5,
        cause: { type: 'log-in' },
        from: 'logged-out',
        to: 'ready',
        mode: 'ready',
      },
    },
  ]);
  t.same(availability(r.agent), { voice: 'unavailable', chat: 'available' });
  t.same(unavailabilityReasons(r.agent, 'voice'), ['no-registered-device']);
  t.equal(refused(r.agent, { type: 'log-in' }).code, 'already-logged-in');
  t.end();
});

t.test('ready / not-ready with reasons; no-ops and bad input are refused without a version change', (t) => {
  let a = readyAgent();
  const v = a.version;
  t.equal(refused(a, { type: 'set-ready' }).code, 'no-change');
  a = ok(a, { type: 'set-not-ready', reason: 'lunch' }).agent;
  t.same([a.mode, a.notReadyReason, agentStatus(a)], ['not-ready', 'lunch', 'not-ready']);
  t.same(unavailabilityReasons(a, 'chat'), ['not-ready']);
  t.equal(refused(a, { type: 'set-not-ready', reason: 'lunch' }).code, 'no-change');
  t.equal(ok(a, { type: 'set-not-ready', reason: 'training' }).agent.notReadyReason, 'training');
  t.equal(refused(a, { type: 'set-not-ready', reason: '' }).code, 'invalid-event');
  a = ok(a, { type: 'set-ready' }).agent;
  t.equal(a.notReadyReason, undefined);
  t.notOk('notReadyReason' in a, 'the reason is removed, not set to undefined');
  t.equal(a.version, v + 2);
  t.equal(refused(newAgent('x'), { type: 'set-ready' }).code, 'not-logged-in');
  t.equal(refused(newAgent('x'), { type: 'set-not-ready', reason: 'r' }).code, 'not-logged-in');
  t.end();
});

t.test('log-out: refused during a call; otherwise revokes offers and ends wrap-ups', (t) => {
  const onCall = run(readyAgent(), [{ type: 'call-started', callId: 'c', channel: 'voice' }]);
  t.equal(refused(onCall, { type: 'log-out' }).code, 'calls-in-progress');
  const busy = run(readyAgent(), [
    { type: 'call-started', callId: 'k', channel: 'chat' },
    { type: 'call-ended', callId: 'k' },
    { type: 'offer', offerId: 'o1', channel: 'voice', timeoutMs: 5 },
  ]);
  const r = ok(busy, { type: 'log-out' });
  t.same(work(r.effects), [
    { type: 'cancel-timer', timerId: 'a1#t1' },
    { type: 'cancel-timer', timerId: 'a1#t2' },
    { type: 'revoke-offer', offerId: 'o1', reason: 'logged-out' },
  ]);
  t.same([r.agent.mode, r.agent.work], ['logged-out', []]);
  t.equal(refused(r.agent, { type: 'log-out' }).code, 'not-logged-in');
  t.end();
});

t.test('presence: unavailability blocks offers; "inactive" pauses a ready agent until set-ready', (t) => {
  let a = readyAgent();
  a = ok(a, { type: 'presence-changed', available: false, reason: 'on-the-phone' }).agent;
  t.equal(a.mode, 'ready', 'other reasons do not change the mode');
  t.same(availability(a), { voice: 'unavailable', chat: 'unavailable' });
  t.equal(
    refused(a, { type: 'presence-changed', available: false, reason: 'on-the-phone' }).code,
    'no-change',
  );
  a = ok(a, { type: 'presence-changed', available: false, reason: 'inactive' }).agent;
  t.same([a.mode, a.notReadyReason], ['not-ready', 'inactive']);
  a = ok(a, { type: 'presence-changed', available: true }).agent;
  t.same([a.mode, a.presence], ['not-ready', { available: true }], 'coming back needs set-ready');
  a = ok(a, { type: 'set-ready' }).agent;
  t.same(availability(a), { voice: 'available', chat: 'available' });
  const paused = ok(readyAgent(), { type: 'set-not-ready', reason: 'break' }).agent;
  t.equal(
    ok(paused, { type: 'presence-changed', available: false, reason: 'inactive' }).agent.notReadyReason,
    'break',
  );
  t.end();
});

t.test('devices: the registrar count drives voice availability', (t) => {
  let a = readyAgent();
  t.equal(refused(a, { type: 'devices-changed', registered: 1 }).code, 'no-change');
  t.equal(refused(a, { type: 'devices-changed', registered: -1 }).code, 'invalid-event');
  t.equal(refused(a, { type: 'devices-changed', registered: 1.5 }).code, 'invalid-event');
  a = ok(a, { type: 'devices-changed', registered: 0 }).agent;
  t.same(availability(a), { voice: 'unavailable', chat: 'available' });
  const offline = ok(newAgent('b', config), { type: 'devices-changed', registered: 2 }).agent;
  t.equal(offline.registeredDevices, 2, 'tracked while logged out');
  t.end();
});

t.test('status precedence: on-call over reserved over wrap-up over the mode', (t) => {
  let a = run(readyAgent(), [
    { type: 'call-started', callId: 'k', channel: 'chat' },
    { type: 'call-ended', callId: 'k' },
  ]);
  t.equal(agentStatus(a), 'wrap-up');
  a = ok(a, { type: 'offer', offerId: 'o', channel: 'voice', timeoutMs: 9 }).agent;
  t.equal(agentStatus(a), 'reserved');
  a = ok(a, { type: 'call-started', callId: 'k2', channel: 'chat' }).agent;
  t.equal(agentStatus(a), 'on-call');
  t.end();
});

t.test('transition never mutates its input; refusals carry a typed error for callers that throw', (t) => {
  const a = Object.freeze(readyAgent());
  const before = JSON.stringify(a);
  ok(a, { type: 'offer', offerId: 'o', channel: 'voice', timeoutMs: 9 });
  t.equal(JSON.stringify(a), before);
  const r = refused(a, { type: 'log-in' });
  const err = new AgentTransitionError(r);
  t.same(
    [err.name, err.code, err.reason, err.illegal.status],
    ['AgentTransitionError', 'illegal-transition', 'already-logged-in', 'ready'],
  );
  t.match(err.message, /agent a1: 'log-in' refused in ready \(already-logged-in\)/);
  t.end();
});
