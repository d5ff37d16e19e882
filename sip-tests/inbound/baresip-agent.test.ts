/**
 * An agent played by baresip (a real softphone) through `patchbay start`: baresip REGISTERs with
 * digest, the agent is logged in and made ready over REST, a SIPp caller dials the queue, patchbay
 * offers the call to baresip, which answers by itself (account `answermode=auto`); the caller is
 * connected and receives baresip's RTP (its ausine tone, PCMU) straight from the phone. baresip then
 * hangs up (ctrl_tcp `hangup`): the caller gets BYE, the call record says completed by the agent.
 * Skipped with a reason when baresip or SIPp is missing; under CI=true that is a failure.
 */
import t from 'tap';
import { describeResult, requireSipp } from '../harness/sipp.js';
import { Baresip } from '../../test-support/baresip.js';
import { requireProgram } from '../../test-support/programs.js';
import { RtpEndpoint } from '../../test-support/rtp-endpoint.js';
import { waitFor } from '../../test-support/wait.js';
import { ANSWERED_CALL_EVENTS, InboundWorld, password, types } from './inbound-world.js';
import type { WorldSpec } from './inbound-world.js';

const SPEC: WorldSpec = {
  agents: [{ id: 'b1' }],
  sections: [
    'queues:',
    '  - { id: soft, name: Softphones, members: [{ agentId: b1 }] }',
    'entryPoints:',
    '  - { number: "4200", queue: soft }',
  ],
};

const sipp = requireSipp();
const baresip = requireProgram('baresip');
if ('skip' in sipp || 'skip' in baresip) {
  const reason = 'skip' in sipp ? sipp.skip : 'skip' in baresip ? baresip.skip : '';
  t.test('an agent on baresip', { skip: reason }, () => undefined);
} else {
  const w = await InboundWorld.start(t, SPEC);
  // libre (baresip 1.0) answers MD5 challenges only: the world's registrar offers MD5.
  const phone = await Baresip.start({
    path: baresip.path,
    account: {
      aor: 'sip:b1@127.0.0.1',
      username: 'b1',
      password: password('b1'),
      outbound: `sip:127.0.0.1:${w.sipPort};transport=udp`,
      answermode: 'auto',
    },
  });
  t.teardown(() => phone.stop());

  t.test('baresip registers; b1 logged in and ready', async (t) => {
    await phone.waitForOutput(/b1@127\.0\.0\.1: \{0\/UDP\/v4\} 200 OK/, 20_000);
    await waitFor(async () => ((await w.state('b1')).devices >= 1 ? true : undefined), {
      timeoutMs: 20_000,
      what: 'b1 has a device',
    });
    t.equal(await w.act('b1', 'login'), 200, 'logged in');
    await w.waitState('b1', 'ready');
    t.pass('b1 ready with its baresip registered');
  });

  t.test('offer → baresip auto-answers → caller connected with RTP; baresip hangs up', async (t) => {
    const rtp = await RtpEndpoint.open();
    t.teardown(() => rtp.close());
    const from = w.events.length;
    const caller = await w.mediaCaller('4200', rtp.port);
    const callId = await w.arrivedCall('4200', from);
    await waitFor(() => w.events.find((e) => e.topic === `call.answered.${callId}`), {
      timeoutMs: 30_000,
      what: 'call.answered',
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}; baresip printed:\n${phone.output}`, { cause: err });
    });
    await phone.waitForOutput(/Call established/, 10_000);
    t.pass('baresip: Call established');
    t.equal((await w.state('b1')).state, 'on-call', 'b1 on-call (REST)');

    await waitFor(() => rtp.packets.length >= 25, { timeoutMs: 30_000, what: '25 RTP packets from baresip' });
    const media = rtp.packets.slice(0, 25);
    t.ok(
      media.every((p) => p.version === 2 && p.payloadType === 0),
      'the caller receives RTP v2 PCMU from the agent’s phone',
    );

    const hangup = await phone.command('hangup');
    t.ok(hangup.ok, `baresip hangs up (ctrl_tcp): ${hangup.data}`);
    const done = await caller.done;
    t.ok(done.passed, `caller got BYE: ${describeResult(done)}`);
    t.match((await w.ended(callId)).data, {
      outcome: 'completed',
      hungUpBy: 'agent',
      agentId: 'b1',
      queueId: 'soft',
    });
    t.same(types(w.callEvents(callId)), ANSWERED_CALL_EVENTS, 'arrived … offered, answered … ended');
    t.match(w.callEvents(callId)[2]?.data, { agentId: 'b1', devices: 1 }, 'offered to b1’s one device');
    await waitFor(
      () => w.events.slice(from).find((e) => e.topic === 'agent.state.b1' && e.data.to === 'wrap-up'),
      { timeoutMs: 20_000, what: 'b1 in wrap-up' },
    );
    await w.waitState('b1', 'ready');
    t.pass('b1 wrapped up and is ready again');
  });
}
