/**
 * Calls over TCP through the engine (RFC 3261 §18.3 framing, §18.2.2 responses on the request's
 * connection): SIPp as the caller on one connection (`-t t1`) to an srf UAS app, and an srf UAC app
 * calling a SIPp UAS that listens on TCP.
 */
import t from 'tap';
import { describeResult, requireSipp, runSipp, startSipp } from '../harness/sipp.js';
import { freePorts } from '../../test-support/ports.js';
import { waitFor } from '../../test-support/wait.js';
import { answeringApp, newTally } from './apps.js';
import { appSdp, hangUp, startEngineWorld } from './engine-world.js';

const sipp = requireSipp();
const skip = 'skip' in sipp ? sipp.skip : false;

t.test('SIPp UAC over TCP → engine → srf UAS app: 10 calls', { skip }, async (t) => {
  const calls = 10;
  const w = await startEngineWorld(t, { transports: ['udp', 'tcp'] });
  const tally = newTally();
  await w.connectApp(answeringApp(tally), ['invite']);
  const [uacPort, mediaPort] = await freePorts(2);
  const r = await runSipp({
    scenario: 'uac-invite-bye',
    transport: 't1',
    remote: w.hostport('tcp'),
    localPort: uacPort,
    mediaPort,
    calls,
    rate: 10,
    maxConcurrent: 5,
    timeoutMs: 30_000,
  });
  t.equal(r.timedOut, false, 'sipp finished on its own');
  t.equal(r.successful, calls, `all ${calls} calls succeeded: ${describeResult(r)}`);
  t.equal(r.failed, 0, 'no call failed');
  t.equal(r.retransmissions, 0, 'nothing is retransmitted over TCP (RFC 3261 §17.1.1.2)');
  await waitFor(() => tally.ended === calls && w.handle.stats().dialogs === 0, {
    timeoutMs: 10_000,
    what: 'every app dialog ended',
  });
  t.equal(tally.invites, calls);
  t.equal(tally.answered, calls);
  t.same(tally.errors, []);
  t.equal(w.handle.stats().transport.connectionsTotal, 1, 'all calls shared SIPp’s one TCP connection');
});

t.test('srf UAC app → engine → SIPp UAS over TCP: 5 calls, the app hangs up', { skip }, async (t) => {
  const calls = 5;
  const w = await startEngineWorld(t, { transports: ['udp', 'tcp'] });
  const [uasPort, mediaPort] = await freePorts(2);
  const uas = await startSipp({
    scenario: 'uas-answer-200',
    transport: 't1',
    localPort: uasPort,
    mediaPort,
    calls,
    timeoutMs: 30_000,
  });
  w.defer(() => uas.stop(500));
  const app = await w.connectApp();
  for (let i = 1; i <= calls; i++) {
    const uac = await app.createUAC(`sip:agent@127.0.0.1:${uasPort};transport=tcp`, {
      localSdp: appSdp(100 + i, 31000 + 2 * i),
    });
    t.match(uac.remote.sdp, /^v=0/, `call ${i}: answered with SDP`);
    t.match(uac.req.get('Via'), /^SIP\/2\.0\/TCP /, `call ${i}: the INVITE went over TCP`);
    t.equal(w.handle.stats().dialogs, 1, `call ${i}: one dialog in the engine`);
    await hangUp(uac);
    await waitFor(() => w.handle.stats().dialogs === 0, { what: `call ${i} dialog gone` });
  }
  const r = await uas.done;
  t.equal(r.timedOut, false, 'the callee finished on its own');
  t.equal(r.successful, calls, `callee: all ${calls} calls succeeded: ${describeResult(r)}`);
  t.equal(r.failed, 0, 'callee: no call failed');
  t.equal(w.handle.stats().transport.connectionsTotal, 1, 'the engine reused its one TCP connection');
});
