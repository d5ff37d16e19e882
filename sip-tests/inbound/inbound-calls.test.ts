/**
 * Inbound calls over real SIP through `patchbay start`: SIPp callers dial entry points, agents are
 * SIPp devices registered with digest and made ready through REST. Asserted: what each SIPp saw
 * (its scenario passes only on the exact message flow), the agents' states, and the bus events
 * of every call (call.arrived … call.ended) on the events WebSocket.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { describeResult, requireSipp } from '../harness/sipp.js';
import { waitFor } from '../../test-support/wait.js';
import { ANSWERED_CALL_EVENTS, InboundWorld, types } from './inbound-world.js';

const raceScenario = join(dirname(fileURLToPath(import.meta.url)), 'scenarios', 'uas-agent-race.xml');

const sipp = requireSipp();
if ('skip' in sipp) {
  t.test('inbound calls over SIP', { skip: sipp.skip }, () => undefined);
} else {
  const w = await InboundWorld.start(t);
  t.test('agents a1…a5: SIPp devices REGISTER with digest, agents logged in through REST', async (t) => {
    for (const id of ['a1', 'a2', 'a3', 'a4', 'a5'] as const) await w.registerAndLogIn(t, id);
  });

  t.test('immediate answer: 180, offer with identity headers, 200, BYE; agent to wrap-up', async (t) => {
    await w.waitState('a1', 'ready');
    const from = w.events.length;
    const device = await w.device('a1', 'uas-agent-answer');
    const caller = await w.caller('uac-invite-180-200', '4000');
    t.ok(caller.passed, `caller: ${describeResult(caller)}`);
    const agent = await device.done;
    t.ok(
      agent.passed,
      `agent device (P-Asserted-Identity, X-Patchbay-Queue, Alert-Info checked): ${describeResult(agent)}`,
    );
    const callId = await w.arrivedCall('4000', from);
    const ended = await w.ended(callId);
    t.match(ended.data, { outcome: 'completed', hungUpBy: 'caller', queueId: 'basic', agentId: 'a1' });
    t.same(types(w.callEvents(callId)), ANSWERED_CALL_EVENTS);
    t.match(w.callEvents(callId)[3]?.data, { outcome: 'answered', agentId: 'a1' });
    await waitFor(
      () => w.events.slice(from).find((e) => e.topic === 'agent.state.a1' && e.data.to === 'wrap-up'),
      {
        timeoutMs: 20_000,
        what: 'a1 in wrap-up',
      },
    );
    await w.waitState('a1', 'ready');
    t.pass('a1 back to ready after its wrap-up');
  });

  t.test('all busy → queued (180) → answered when the agent turns ready', async (t) => {
    await w.waitState('a1', 'ready');
    t.equal(await w.act('a1', 'not-ready', 'break'), 200);
    const from = w.events.length;
    const device = await w.device('a1', 'uas-agent-answer');
    const calling = w.caller('uac-invite-180-200', '4000');
    const callId = await w.arrivedCall('4000', from);
    await waitFor(() => w.events.find((e) => e.topic === `call.queued.${callId}`), {
      timeoutMs: 20_000,
      what: 'queued',
    });
    t.notOk(
      w.callEvents(callId).some((e) => e.topic.startsWith('call.offered')),
      'no offer while a1 is not ready',
    );
    t.equal(await w.act('a1', 'ready'), 200, 'a1 turns ready');
    const caller = await calling;
    t.ok(caller.passed, `caller answered: ${describeResult(caller)}`);
    t.ok((await device.done).passed, 'a1 device answered');
    t.match((await w.ended(callId)).data, { outcome: 'completed', agentId: 'a1' });
  });

  t.test('no answer → next agent (ring timeout 2 s; CANCEL to the first)', async (t) => {
    await Promise.all([w.waitState('a2', 'ready'), w.waitState('a3', 'ready')]);
    const from = w.events.length;
    const first = await w.device('a2', 'uas-180-cancel');
    const second = await w.device('a3', 'uas-agent-answer');
    const caller = await w.caller('uac-invite-180-200', '4001');
    t.ok(caller.passed, `caller answered by the second agent: ${describeResult(caller)}`);
    t.ok((await first.done).passed, 'a2 rang and got CANCEL (200, 487, ACK)');
    t.ok((await second.done).passed, 'a3 answered');
    const callId = await w.arrivedCall('4001', from);
    await w.ended(callId);
    const offers = w.callEvents(callId).filter((e) => e.topic.startsWith('call.offer-ended'));
    t.same(
      offers.map((e) => [e.data.agentId, e.data.outcome]),
      [
        ['a2', 'no-answer'],
        ['a3', 'answered'],
      ],
    );
    await w.waitState('a2', 'ready');
    t.pass('a2 is ready again (one no-answer counted, below auto-pause)');
  });

  t.test('caller hangs up while queued: nothing stuck', async (t) => {
    await w.waitState('a1', 'ready');
    t.equal(await w.act('a1', 'not-ready', 'break'), 200);
    const from = w.events.length;
    const caller = await w.caller('uac-cancel-after-180', '4000');
    t.ok(caller.passed, `caller CANCEL → 200 + 487: ${describeResult(caller)}`);
    const callId = await w.arrivedCall('4000', from);
    t.match((await w.ended(callId)).data, { outcome: 'abandoned', hungUpBy: 'caller' });
    t.notOk(
      w.callEvents(callId).some((e) => e.topic.startsWith('call.offered')),
      'never offered',
    );
    t.equal((await w.state('a1')).state, 'not-ready');
    t.equal(await w.act('a1', 'ready'), 200);
  });

  t.test('caller hangs up while an agent rings: leg CANCELled, agent ready', async (t) => {
    await w.waitState('a2', 'ready');
    const from = w.events.length;
    const device = await w.device('a2', 'uas-180-cancel');
    const caller = await w.caller('uac-cancel-after-3s', '4002');
    t.ok(caller.passed, `caller: ${describeResult(caller)}`);
    t.ok((await device.done).passed, 'agent device got CANCEL');
    const callId = await w.arrivedCall('4002', from);
    const ended = await w.ended(callId);
    t.match(ended.data, { outcome: 'abandoned' });
    const evs = w.callEvents(callId);
    t.match(evs.find((e) => e.topic.startsWith('call.offer-ended'))?.data, {
      agentId: 'a2',
      outcome: 'cancelled',
    });
    t.equal(types(evs).at(-1), 'call.ended', 'call.ended comes after the offer ended');
    await w.waitState('a2', 'ready');
    t.pass('a2 released');
  });

  t.test('ring-all, both agents answer: one connected, the other leg BYEd, neither stuck', async (t) => {
    await Promise.all([w.waitState('a4', 'ready'), w.waitState('a5', 'ready')]);
    const from = w.events.length;
    // Each answers after 500 ms unless CANCELled first: the loser's leg ends by BYE or by CANCEL.
    const d4 = await w.device('a4', raceScenario);
    const d5 = await w.device('a5', raceScenario);
    const caller = await w.caller('uac-invite-180-200', '4003');
    t.ok(caller.passed, `caller: ${describeResult(caller)}`);
    const results = await Promise.all([d4.done, d5.done]);
    const clean = results.filter((r) => r.passed);
    t.ok(clean.length >= 1, `the winner answered and got BYE: ${results.map(describeResult).join(' / ')}`);
    // The loser is CANCELled: SIPp handles that unless the CANCEL lands in the instant between its
    // ring timer and its own 200 (it then reports an "unexpected CANCEL" — still a CANCEL from us).
    for (const r of results.filter((x) => !x.passed))
      t.match(describeResult(r), /unexpected CANCEL/, 'the loser’s leg was CANCELled');
    const callId = await w.arrivedCall('4003', from);
    await w.ended(callId);
    const evs = w.callEvents(callId);
    t.equal(evs.filter((e) => e.topic.startsWith('call.answered')).length, 1, 'one answer');
    const outcomes = evs
      .filter((e) => e.topic.startsWith('call.offer-ended'))
      .map((e) => String(e.data.outcome));
    // The loser's offer is 'cancelled'; when its SIPp aborted on the CANCEL (above) it never sent the
    // 487, and the leg ends as 'failed' once its transaction times out.
    const loserOutcomes = clean.length === 2 ? ['cancelled'] : ['cancelled', 'failed'];
    t.equal(outcomes.length, 2, `two offers: ${outcomes.join(', ')}`);
    t.equal(outcomes.filter((o) => o === 'answered').length, 1, 'one offer answered');
    t.ok(
      outcomes.filter((o) => o !== 'answered').every((o) => loserOutcomes.includes(o)),
      `the other offer withdrawn: ${outcomes.join(', ')}`,
    );
    await Promise.all([w.waitState('a4', 'ready'), w.waitState('a5', 'ready')]);
    t.pass('a4 and a5 ready again');
  });

  t.test('BYE from the agent: the caller gets BYE, the agent wraps up', async (t) => {
    await w.waitState('a1', 'ready');
    const from = w.events.length;
    const device = await w.device('a1', 'uas-answer-then-bye');
    const caller = await w.caller('uac-invite-wait-bye', '4000');
    t.ok(caller.passed, `caller received BYE: ${describeResult(caller)}`);
    t.ok((await device.done).passed, 'agent hung up');
    const callId = await w.arrivedCall('4000', from);
    t.match((await w.ended(callId)).data, { outcome: 'completed', hungUpBy: 'agent' });
    await waitFor(
      () => w.events.slice(from).find((e) => e.topic === 'agent.state.a1' && e.data.to === 'wrap-up'),
      {
        timeoutMs: 20_000,
        what: 'a1 in wrap-up',
      },
    );
    t.pass('a1 in wrap-up');
  });

  t.test('closed hours → the configured refusal (486)', async (t) => {
    const from = w.events.length;
    const caller = await w.caller('uac-invite-486', '4004');
    t.ok(caller.passed, `caller got 486: ${describeResult(caller)}`);
    const callId = await w.arrivedCall('4004', from);
    t.match((await w.ended(callId)).data, { outcome: 'rejected', status: 486, queueId: 'closed' });
  });

  t.test('no gateway at all: every source admitted, the gateway service warned once', (t) => {
    const warned = w.pb
      .logs()
      .filter((l) => /^no gateway configured: INVITEs from any source/.test(l.msg ?? ''));
    t.equal(warned.length, 1, 'one warning for the whole run');
    t.end();
  });
}
