/**
 * UDP calls through the engine while SIPp drops 10% of the packets it sends and receives (`-lost`):
 * retransmissions (RFC 3261 §17.1.1.2 Timer A, §17.1.2.2 Timer E, §13.3.1.4 2xx until ACK, §17.2
 * absorbing the peer's retransmissions) must bring every call to its end.
 */
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { describeResult, requireSipp, runSipp, startSipp } from '../harness/sipp.js';
import { freePorts } from '../../test-support/ports.js';
import { waitFor } from '../../test-support/wait.js';
import { answeringApp, b2buaApp, newTally } from './apps.js';
import { startEngineWorld } from './engine-world.js';
import { lostMessages } from './sipp-loss.js';

/** Our own UAS scenario: with loss the BYE may overtake a lost ACK (see the file). */
const LOSSY_UAS = fileURLToPath(new URL('./scenarios/uas-answer-ack-optional.xml', import.meta.url));

const sipp = requireSipp();
const skip = 'skip' in sipp ? sipp.skip : false;
/** A smaller T1 than the default 500 ms keeps the engine's retransmissions quick on loopback. */
const T1_MS = 200;
const LOSS_PERCENT = 10;

t.test('SIPp UAC (10% loss) → engine → srf UAS app: every call completes', { skip }, async (t) => {
  const calls = 30;
  const w = await startEngineWorld(t, { transports: ['udp'], t1Ms: T1_MS });
  const tally = newTally();
  await w.connectApp(answeringApp(tally), ['invite']);
  const [uacPort, mediaPort] = await freePorts(2);
  const r = await runSipp({
    scenario: 'uac-invite-bye',
    remote: w.hostport('udp'),
    localPort: uacPort,
    mediaPort,
    calls,
    rate: 10,
    maxConcurrent: 10,
    lostPercent: LOSS_PERCENT,
    timeoutMs: 90_000,
  });
  t.equal(r.timedOut, false, 'sipp finished on its own');
  t.equal(r.successful, calls, `all ${calls} calls succeeded: ${describeResult(r)}`);
  t.equal(r.failed, 0, 'no call failed');
  t.ok(lostMessages(r.screen) > 0, `sipp dropped ${lostMessages(r.screen)} messages on purpose`);
  t.ok(r.retransmissions > 0, `losses were recovered by retransmission (${r.retransmissions})`);
  // SIPp is done, so every BYE was answered; what is left is the engine and app catching up, which
  // on a loaded machine takes a while: wait on their state with a generous deadline.
  await waitFor(() => tally.ended === calls && w.handle.stats().dialogs === 0, {
    timeoutMs: 60_000,
    what: `every app dialog ended (${tally.ended}/${calls}, engine dialogs ${w.handle.stats().dialogs})`,
  });
  // RFC 3261 §15.1.2: a BYE may overtake a lost ACK; the INVITE leg must not outlive its dialog.
  await waitFor(() => w.handle.stats().pendingRequests === 0, {
    timeoutMs: 60_000,
    what: 'no pending request left in the engine',
  });
  t.equal(tally.invites, calls, 'the app was offered each call once (retransmitted INVITEs absorbed)');
  t.equal(tally.answered, calls);
  t.same(tally.errors, []);
});

t.test(
  'SIPp UAC → engine → srf B2BUA → engine → SIPp UAS (10% loss): every call completes',
  { skip },
  async (t) => {
    const calls = 20;
    const w = await startEngineWorld(t, { transports: ['udp'], t1Ms: T1_MS });
    const [uasPort, uacPort, uasMedia, uacMedia] = await freePorts(4);
    const tally = newTally();
    await w.connectApp(b2buaApp(tally, `sip:agent@127.0.0.1:${uasPort}`), ['invite']);
    const uas = await startSipp({
      scenario: LOSSY_UAS,
      localPort: uasPort,
      mediaPort: uasMedia,
      calls,
      lostPercent: LOSS_PERCENT,
      timeoutMs: 120_000,
    });
    w.defer(() => uas.stop(500));
    const uac = await runSipp({
      scenario: 'uac-invite-bye',
      remote: w.hostport('udp'),
      localPort: uacPort,
      mediaPort: uacMedia,
      calls,
      rate: 10,
      maxConcurrent: 10,
      timeoutMs: 90_000,
    });
    t.equal(uac.successful, calls, `caller: all ${calls} calls succeeded: ${describeResult(uac)}`);
    t.equal(uac.failed, 0, 'caller: no call failed');
    const callee = await uas.done;
    t.equal(callee.timedOut, false, 'the lossy callee finished on its own');
    t.equal(callee.successful, calls, `callee: all ${calls} calls succeeded: ${describeResult(callee)}`);
    t.equal(callee.failed, 0, 'callee: no call failed');
    t.ok(
      lostMessages(callee.screen) > 0,
      `the callee dropped ${lostMessages(callee.screen)} messages on purpose`,
    );
    t.equal(callee.unexpectedMessages, 0, 'the callee saw nothing unexpected');
    await waitFor(() => w.handle.stats().dialogs === 0 && w.handle.stats().pendingRequests === 0, {
      timeoutMs: 60_000,
      what: 'no dialog and no pending request left',
    });
    t.equal(tally.invites, calls, 'the app was offered each call once');
    t.equal(tally.answered, calls);
    t.same(tally.errors, []);
  },
);
