/**
 * Inbound calls from a configured PSTN gateway through `patchbay start`, over real SIP: SIPp plays
 * the gateway (127.0.0.1/32, German numbering, at most 2 calls at once) and the agents' devices.
 * Asserted: the caller in E.164 in `call.arrived` and in the P-Asserted-Identity the agent gets;
 * 127.0.0.2 → bare 403; a third concurrent call → 503 + Retry-After; overflow after the threshold
 * to a spare number through the outbound gateway (a SIPp UAS) and to a second queue.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { describeResult, requireSipp } from '../harness/sipp.js';
import { freePort } from '../../test-support/ports.js';
import { waitFor } from '../../test-support/wait.js';
import { InboundWorld, types } from './inbound-world.js';
import type { WorldSpec } from './inbound-world.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const scenario = (name: string): string => join(HERE, 'scenarios', `${name}.xml`);
const gatewayScenario = (name: string): string =>
  join(HERE, '..', '..', 'gateways', 'sip', 'scenarios', `${name}.xml`);
/** 089123456 from the gateway (national format) is this caller. */
const CALLER = '+4989123456';

function spec(sparePort: number): WorldSpec {
  return {
    agents: [{ id: 'g1' }, { id: 'g2', extra: `personalCustomers: ["${CALLER}"]` }],
    sections: [
      'gateways:',
      '  - id: carrier',
      '    name: Carrier',
      '    kind: pstn',
      '    sources: ["127.0.0.1/32"]',
      '    numbering: { countryCode: "49", nationalPrefix: "0", internationalPrefix: "00" }',
      '    maxConcurrentCalls: 2',
      '    retryAfterSeconds: 9',
      '  - id: spare-trunk',
      '    name: Spare trunk',
      '    kind: pstn',
      '    host: 127.0.0.1',
      `    port: ${sparePort}`,
      '    health: { enabled: false }',
      'queues:',
      '  - { id: sales, name: Sales, members: [{ agentId: g1 }] }',
      '  - { id: hold, name: Hold, maxWaitSeconds: 15, members: [{ agentId: g2 }] }',
      '  - id: spare',
      '    name: Spare',
      '    members: [{ agentId: g2 }]',
      '    overflow: { afterSeconds: 1, target: { numbers: ["+4930555000"] } }',
      '  - id: first',
      '    name: First',
      '    members: [{ agentId: g2 }]',
      '    overflow: { afterSeconds: 1, target: { queue: second } }',
      '  - { id: second, name: Second, members: [{ agentId: g1 }] }',
      '  - { id: vip, name: VIP, personalManagerSeconds: 2, members: [{ agentId: g1 }, { agentId: g2 }] }',
      'entryPoints:',
      '  - { number: "+49301234567", queue: sales }',
      '  - { number: "+49301234570", queue: hold }',
      '  - { number: "+49301234568", queue: spare }',
      '  - { number: "+49301234569", queue: first }',
      '  - { number: "+49301234571", queue: vip }',
    ],
  };
}

const sipp = requireSipp();
if ('skip' in sipp) {
  t.test('inbound calls from a gateway over SIP', { skip: sipp.skip }, () => undefined);
} else {
  const sparePort = await freePort();
  const w = await InboundWorld.start(t, spec(sparePort));
  t.test('agents g1, g2 registered and logged in; g2 not ready', async (t) => {
    for (const id of ['g1', 'g2']) await w.registerAndLogIn(t, id);
    await w.waitState('g2', 'ready');
    t.equal(await w.act('g2', 'not-ready', 'break'), 200);
  });

  t.test('caller normalized to E.164 in call.arrived and in the agent’s P-Asserted-Identity', async (t) => {
    await w.waitState('g1', 'ready');
    const from = w.events.length;
    const device = await w.device('g1', scenario('uas-agent-e164'));
    const caller = await w.caller(scenario('uac-gateway-call'), '0301234567');
    t.ok(caller.passed, `caller: ${describeResult(caller)}`);
    const agent = await device.done;
    t.ok(agent.passed, `agent saw P-Asserted-Identity <sip:${CALLER}@…>: ${describeResult(agent)}`);
    const callId = await w.arrivedCall('+49301234567', from);
    t.match(w.callEvents(callId)[0]?.data, {
      gatewayId: 'carrier',
      caller: CALLER,
      dialled: '+49301234567',
      callerRestricted: false,
    });
    t.match((await w.ended(callId)).data, { outcome: 'completed', agentId: 'g1', queueId: 'sales' });
  });

  t.test('an INVITE from 127.0.0.2 (no gateway) gets a bare 403', async (t) => {
    const from = w.events.length;
    const r = await w.caller(gatewayScenario('uac-invite-403'), '0301234567', {
      localHost: '127.0.0.2',
      localPort: await freePort('127.0.0.2'),
    });
    t.ok(r.passed, `403 with Content-Length 0: ${describeResult(r)}`);
    t.notOk(
      w.events.slice(from).some((e) => e.topic.startsWith('call.arrived')),
      'no call arrived',
    );
    t.ok(
      w.pb
        .logs()
        .some((l) => l.msg === 'INVITE refused by gateway admission' && l.reason === 'unknown-source'),
      'the refusal is logged',
    );
  });

  t.test('over the gateway’s 2 concurrent calls → 503 with Retry-After: 9', async (t) => {
    const from = w.events.length;
    const held = [
      await w.startCaller(scenario('uac-gateway-queued-408'), '0301234570'),
      await w.startCaller(scenario('uac-gateway-queued-408'), '0301234570'),
    ];
    await waitFor(
      () =>
        w.events.slice(from).filter((e) => e.topic.startsWith('call.queued')).length === 2 ? true : undefined,
      { timeoutMs: 30_000, what: 'two calls queued (holding both slots)' },
    );
    const r = await w.caller(gatewayScenario('uac-invite-503'), '0301234570');
    t.ok(r.passed, `503 + Retry-After: 9: ${describeResult(r)}`);
    for (const h of held) {
      const done = await h.done;
      t.ok(done.passed, `held call ended by the queue's maximum wait (408): ${describeResult(done)}`);
    }
    const ended = w.events.slice(from).filter((e) => e.topic.startsWith('call.ended'));
    t.equal(ended.length, 2, 'only the two admitted calls exist');
    for (const e of ended) t.match(e.data, { outcome: 'timed-out', status: 408, queueId: 'hold' });
    await waitFor(async () => ((await w.gatewayActiveCalls('carrier')) === 0 ? true : undefined), {
      timeoutMs: 20_000,
      what: 'carrier slots given back',
    });
    t.pass('both slots given back once the calls ended');
  });

  t.test('overflow after 1 s to a spare number through the outbound gateway (SIPp UAS)', async (t) => {
    const from = w.events.length;
    const gateway = await w.deviceAt(sparePort, scenario('uas-spare-number'));
    const caller = await w.caller(scenario('uac-gateway-call'), '0301234568');
    t.ok(caller.passed, `caller connected to the spare number: ${describeResult(caller)}`);
    const g = await gateway.done;
    t.ok(g.passed, `spare gateway got INVITE sip:+4930555000@… with the caller's PAI: ${describeResult(g)}`);
    const callId = await w.arrivedCall('+49301234568', from);
    await w.ended(callId);
    const evs = w.callEvents(callId);
    t.same(types(evs), ['call.arrived', 'call.queued', 'call.overflowed', 'call.answered', 'call.ended']);
    t.match(evs[2]?.data, { queueId: 'spare', target: '+4930555000' });
    t.match(evs[3]?.data, { queueId: 'spare', overflowTarget: '+4930555000' });
    t.match(evs[4]?.data, { outcome: 'completed', hungUpBy: 'caller' });
    t.notOk(
      evs.some((e) => e.topic.startsWith('call.offered')),
      'no agent offered (g2 not ready)',
    );
  });

  t.test('overflow after 1 s to a second queue whose agent answers', async (t) => {
    await w.waitState('g1', 'ready');
    const from = w.events.length;
    const device = await w.device('g1', 'uas-agent-answer');
    const caller = await w.caller(scenario('uac-gateway-call'), '0301234569');
    t.ok(caller.passed, `caller: ${describeResult(caller)}`);
    t.ok((await device.done).passed, 'g1 (queue second) answered');
    const callId = await w.arrivedCall('+49301234569', from);
    t.match((await w.ended(callId)).data, { outcome: 'completed', agentId: 'g1', queueId: 'second' });
    const evs = w.callEvents(callId);
    t.match(evs.find((e) => e.topic.startsWith('call.overflowed'))?.data, {
      queueId: 'first',
      target: 'queue:second',
    });
    t.match(evs.find((e) => e.topic.startsWith('call.offered'))?.data, { agentId: 'g1', queueId: 'second' });
  });

  t.test(
    'personal manager: g2 (the caller is its customer) rings first, no answer → g1 gets it',
    async (t) => {
      t.equal(await w.act('g2', 'ready'), 200, 'g2 ready');
      await Promise.all([w.waitState('g1', 'ready'), w.waitState('g2', 'ready')]);
      const from = w.events.length;
      const manager = await w.device('g2', 'uas-180-cancel');
      const other = await w.device('g1', 'uas-agent-answer');
      const caller = await w.caller(scenario('uac-gateway-call'), '0301234571');
      t.ok(caller.passed, `caller answered by g1: ${describeResult(caller)}`);
      t.ok((await manager.done).passed, 'g2 rang and was CANCELled after personalManagerSeconds');
      t.ok((await other.done).passed, 'g1 answered');
      const callId = await w.arrivedCall('+49301234571', from);
      t.match((await w.ended(callId)).data, { outcome: 'completed', agentId: 'g1', queueId: 'vip' });
      const evs = w.callEvents(callId);
      t.same(
        evs
          .filter((e) => e.topic.startsWith('call.offered'))
          .map((e) => [e.data.agentId, e.data.personalManager]),
        [
          ['g2', true],
          ['g1', false],
        ],
        'the manager first, then the queue',
      );
      t.same(
        evs
          .filter((e) => e.topic.startsWith('call.offer-ended'))
          .map((e) => [e.data.agentId, e.data.outcome]),
        [
          ['g2', 'no-answer'],
          ['g1', 'answered'],
        ],
      );
    },
  );
}
