/**
 * Hold music through rtpengine over real SIP (issue 5 items 4 and 6): `patchbay start` with
 * `rtpengine.servers` pointing at an rtpengine-daemon started for this file (userspace,
 * `table = -1`). A SIPp caller, whose SDP names a UDP socket of the test, dials a queue whose only
 * agent is not ready: the call is answered (200) with rtpengine's SDP and the socket receives the
 * hold music as RTP (counted, header checked). The agent turns ready, its SIPp device answers with
 * the SDP of another socket of the test: RTP flows caller → agent and agent → caller through
 * rtpengine and the music has stopped. The agent hangs up: the caller gets BYE, rtpengine forgets
 * the call (query: unknown call-id).
 */
import t from 'tap';
import { RtpengineServer } from '../../infra/rtpengine/index.js';
import { describeResult, requireSipp, startSipp } from '../harness/sipp.js';
import { requireRtpengine, startRtpengine } from '../harness/rtpengine.js';
import { RtpEndpoint } from '../../test-support/rtp-endpoint.js';
import { freePort } from '../../test-support/ports.js';
import { waitFor } from '../../test-support/wait.js';
import { DEFAULT_SPEC, InboundWorld } from './inbound-world.js';

const sipp = requireSipp();
const rtpengine = 'skip' in sipp ? sipp : requireRtpengine();
if ('skip' in rtpengine) {
  t.test('hold music through rtpengine', { skip: rtpengine.skip }, () => undefined);
} else {
  const daemon = await startRtpengine();
  t.teardown(() => daemon.dispose());
  const w = await InboundWorld.start(t, {
    agents: [{ id: 'a1' }],
    sections: [
      `rtpengine: { servers: ["${daemon.address}"], announceIntervalSeconds: 3 }`,
      'queues:',
      '  - { id: basic, name: Basic, members: [{ agentId: a1 }] }',
      ...DEFAULT_SPEC.sections.filter((l) => l.includes('"4000"') || l === 'entryPoints:'),
    ],
  });
  const ng = new RtpengineServer(daemon.address, { timeoutMs: 2000 });
  t.teardown(() => ng.close());

  t.test('queued caller hears hold music; agent answers; media through rtpengine; BYE deletes', async (t) => {
    await w.registerAndLogIn(t, 'a1');
    await w.waitState('a1', 'ready');
    t.equal(await w.act('a1', 'not-ready', 'break'), 200, 'a1 not ready: the caller will queue');
    const [callerRtp, agentRtp] = await Promise.all([RtpEndpoint.open(), RtpEndpoint.open()]);
    t.teardown(() => (callerRtp.close(), agentRtp.close()));
    const from = w.events.length;
    const caller = await startSipp({
      scenario: 'uac-invite-media-wait-bye',
      remote: `127.0.0.1:${w.sipPort}`,
      localPort: await freePort(),
      service: '4000',
      calls: 1,
      timeoutMs: 120_000,
      keys: { rtp_port: String(callerRtp.port) },
    });
    const callId = await w.arrivedCall('4000', from);
    await waitFor(() => w.events.find((e) => e.topic === `call.queued.${callId}`), {
      timeoutMs: 30_000,
      what: 'call.queued',
    });

    await waitFor(() => callerRtp.packets.length >= 100, {
      timeoutMs: 30_000,
      what: '100 RTP packets of hold music',
    });
    const music = callerRtp.packets.slice(0, 100);
    t.ok(
      music.every((p) => p.version === 2 && p.payloadType === 0),
      'RTP v2, PT 0 (PCMU, the codec offered)',
    );
    t.ok(
      music.every((p) => p.payload.length === 160),
      '160-byte payloads (20 ms of PCMU)',
    );
    const relay = music[0]?.from ?? { address: '', port: 0 };
    t.equal(relay.address, '127.0.0.1', 'sent by rtpengine on loopback');
    t.ok(
      relay.port >= daemon.portMin && relay.port < daemon.portMin + 200,
      `from rtpengine's port ${relay.port}`,
    );
    t.ok(
      music.every((p) => p.from.port === relay.port),
      'all from the port the caller was answered with',
    );
    t.ok((await ng.query(callId))?.tags.includes('caller'), 'rtpengine holds the call under our call id');
    t.notOk(
      w.events.some((e) => e.topic.startsWith('call.offered.') && e.data.callId === callId),
      'no offer while a1 is not ready',
    );

    const said = await waitFor(
      () => /"position":1,.*"prompts":\[[^\]]*\].*hold announcement/.exec(w.pb.stdout) ?? undefined,
      {
        timeoutMs: 30_000,
        what: 'a hold announcement (every 3 s)',
      },
    );
    t.match(said[0], /"you-are-number","n1","in-the-queue"/, 'announced: you are number one in the queue');
    const device = await startSipp({
      scenario: 'uas-agent-media-bye',
      localPort: w.agentPorts.get('a1'),
      calls: 1,
      timeoutMs: 120_000,
      keys: { rtp_port: String(agentRtp.port) },
      extraArgs: ['-d', '15000'],
    });
    t.equal(await w.act('a1', 'ready'), 200, 'a1 turns ready');
    await waitFor(() => w.events.find((e) => e.topic === `call.answered.${callId}`), {
      timeoutMs: 30_000,
      what: 'call.answered',
    });
    const musicBefore = callerRtp.packets.length;

    // Caller → agent: the caller's socket sends to where the music came from (symmetric RTP).
    for (let i = 0; i < 10; i++) await callerRtp.send(relay, 'CALLER');
    await waitFor(() => agentRtp.marked('CALLER').length >= 10, {
      timeoutMs: 20_000,
      what: 'caller RTP at the agent',
    });
    const toAgent = agentRtp.marked('CALLER')[0]?.from ?? { address: '', port: 0 };
    t.ok(
      toAgent.port >= daemon.portMin && toAgent.port < daemon.portMin + 200,
      'agent hears the caller via rtpengine',
    );
    for (let i = 0; i < 10; i++) await agentRtp.send(toAgent, 'AGENT');
    await waitFor(() => callerRtp.marked('AGENT').length >= 10, {
      timeoutMs: 20_000,
      what: 'agent RTP at the caller',
    });
    t.equal(
      callerRtp.marked('AGENT')[0]?.from.port,
      relay.port,
      'same rtpengine port as the hold music: no re-INVITE needed',
    );
    const firstAgent = callerRtp.packets.findIndex(
      (p) => p.payload.subarray(0, 5).toString('latin1') === 'AGENT',
    );
    const musicAfter = callerRtp.packets
      .slice(firstAgent)
      .filter((p) => !p.payload.subarray(0, 5).equals(Buffer.from('AGENT')));
    t.equal(
      musicAfter.length,
      0,
      `music stopped before the agent's audio (${musicBefore} music packets in all)`,
    );

    const agentResult = await device.done;
    t.ok(agentResult.passed, `agent device answered and hung up: ${describeResult(agentResult)}`);
    const callerResult = await caller.done;
    t.ok(callerResult.passed, `caller: 200 while queued, then BYE: ${describeResult(callerResult)}`);
    const ended = await w.ended(callId);
    t.match(ended.data, { outcome: 'completed', hungUpBy: 'agent', queueId: 'basic', agentId: 'a1' });
    const gone = await waitFor(async () => ((await ng.query(callId)) === undefined ? true : undefined), {
      timeoutMs: 20_000,
      what: 'rtpengine call deleted',
    });
    t.ok(gone, 'rtpengine: the call is gone (query: unknown call-id)');
  });
}
