/**
 * Agent rules of inbound calls over real SIP through `patchbay start`, agents played by SIPp:
 *  - a queue's wrapUpSeconds (5) overrides the agent's own (1): the wrap-up ends on its timer no
 *    earlier than the queue's value after it began (both instants are patchbay's agent.state events);
 *  - auto-pause: an agent with maxConsecutiveNoAnswers 2 whose device never answers is not-ready
 *    "no-answer" after its second unanswered offer (REST), and each call goes to the next agent;
 *  - re-INVITE hold/resume relayed both ways (RFC 3264 §8.4): the caller's a=sendonly reaches the
 *    agent, whose a=recvonly answer reaches the caller; then the agent's resume reaches the caller.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { Test } from 'tap';
import { describeResult, requireSipp } from '../harness/sipp.js';
import { waitFor } from '../../test-support/wait.js';
import { InboundWorld, types } from './inbound-world.js';
import type { Envelope, WorldSpec } from './inbound-world.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const scenario = (name: string): string => join(HERE, 'scenarios', `${name}.xml`);
const QUEUE_WRAP_UP_MS = 5_000;

const SPEC: WorldSpec = {
  agents: [{ id: 'q1' }, { id: 'n1', extra: 'maxConsecutiveNoAnswers: 2' }, { id: 'n2' }, { id: 'h1' }],
  sections: [
    'queues:',
    `  - { id: wrap, name: Wrap, wrapUpSeconds: ${QUEUE_WRAP_UP_MS / 1000}, members: [{ agentId: q1 }] }`,
    '  - { id: pause, name: Pause, ringTimeoutSeconds: 2, members: [{ agentId: n1, penalty: 0 }, { agentId: n2, penalty: 1 }] }',
    '  - { id: hold, name: Hold, members: [{ agentId: h1 }] }',
    'entryPoints:',
    '  - { number: "4100", queue: wrap }',
    '  - { number: "4101", queue: pause }',
    '  - { number: "4102", queue: hold }',
  ],
};

/** The first agent.state event of `id` after index `from` that `match` accepts. */
function agentEvent(w: InboundWorld, id: string, from: number, match: (e: Envelope) => boolean) {
  return waitFor(() => w.events.slice(from).find((e) => e.topic === `agent.state.${id}` && match(e)), {
    timeoutMs: 30_000,
    what: `agent.state.${id}`,
  });
}

const sipp = requireSipp();
if ('skip' in sipp) {
  t.test('agent rules over SIP', { skip: sipp.skip }, () => undefined);
} else {
  const w = await InboundWorld.start(t, SPEC);
  t.test('agents q1, n1, n2, h1 registered and logged in', async (t) => {
    for (const id of ['q1', 'n1', 'n2', 'h1']) await w.registerAndLogIn(t, id);
  });

  t.test("the queue's wrap-up (5 s) overrides the agent's (1 s)", async (t) => {
    await w.waitState('q1', 'ready');
    const from = w.events.length;
    const device = await w.device('q1', 'uas-agent-answer');
    const caller = await w.caller('uac-invite-180-200', '4100');
    t.ok(caller.passed, `caller: ${describeResult(caller)}`);
    t.ok((await device.done).passed, 'q1 answered');
    const began = await agentEvent(w, 'q1', from, (e) => e.data.to === 'wrap-up');
    const over = await agentEvent(w, 'q1', from, (e) => e.data.from === 'wrap-up');
    t.match(over.data, { to: 'ready', event: 'timer-fired' }, 'the wrap-up ended on its timer');
    const wrapMs = Date.parse(String(over.data.at)) - Date.parse(String(began.data.at));
    // A lower bound only (a timer never fires early): with the agent's 1 s this would be ~1,000.
    t.ok(wrapMs >= QUEUE_WRAP_UP_MS - 50, `wrap-up lasted ${wrapMs} ms (queue: ${QUEUE_WRAP_UP_MS})`);
  });

  /** One call to 4101: n1's device rings until CANCELled (no answer), n2's answers. */
  async function unansweredByN1(t: Test): Promise<void> {
    await Promise.all([w.waitState('n1', 'ready'), w.waitState('n2', 'ready')]);
    const from = w.events.length;
    const first = await w.device('n1', 'uas-180-cancel');
    const second = await w.device('n2', 'uas-agent-answer');
    const caller = await w.caller('uac-invite-180-200', '4101');
    t.ok(caller.passed, `caller answered by n2: ${describeResult(caller)}`);
    t.ok((await first.done).passed, 'n1 rang and got CANCEL');
    t.ok((await second.done).passed, 'n2 answered');
    const callId = await w.arrivedCall('4101', from);
    t.match((await w.ended(callId)).data, { outcome: 'completed', agentId: 'n2' });
    const offers = w.callEvents(callId).filter((e) => e.topic.startsWith('call.offer-ended'));
    t.same(
      offers.map((e) => [e.data.agentId, e.data.outcome]),
      [
        ['n1', 'no-answer'],
        ['n2', 'answered'],
      ],
    );
  }

  t.test('auto-pause after 2 consecutive no-answers (maxConsecutiveNoAnswers 2)', async (t) => {
    await unansweredByN1(t);
    await w.waitState('n1', 'ready');
    t.pass('after one no-answer n1 is still ready');
    await unansweredByN1(t);
    await w.waitState('n1', 'not-ready');
    const state = (await w.state('n1')) as { state: string; reason?: string };
    t.match(state, { state: 'not-ready', reason: 'no-answer' }, 'GET /api/v1/agents/n1/state');
    t.equal(await w.act('n1', 'ready'), 200, 'n1 made ready again by hand');
  });

  t.test('re-INVITE hold from the caller and resume from the agent pass through', async (t) => {
    await w.waitState('h1', 'ready');
    const from = w.events.length;
    const device = await w.device('h1', scenario('uas-agent-hold-resume'));
    const caller = await w.caller(scenario('uac-hold-resume'), '4102');
    t.ok(
      caller.passed,
      `caller: hold answered a=recvonly, resume offer a=sendrecv: ${describeResult(caller)}`,
    );
    const agent = await device.done;
    t.ok(agent.passed, `agent: hold offer a=sendonly, resume answered: ${describeResult(agent)}`);
    const callId = await w.arrivedCall('4102', from);
    t.match((await w.ended(callId)).data, { outcome: 'completed', hungUpBy: 'caller', agentId: 'h1' });
    t.equal(
      types(w.callEvents(callId)).filter((x) => x === 'call.answered').length,
      1,
      'one call, answered once',
    );
  });
}
