/**
 * How dialogs end when nobody hangs up cleanly, on a FakeClock: RFC 3261 §12.2.1.2 (481/408 to an
 * in-dialog request), §15.1.2 (a BYE that overtakes the lost ACK of the 2xx).
 */
import t from 'tap';
import { FakeWorld, request, responseTo, SDP } from '../conformance/fake-world.js';
import { FATAL_REASON } from './dialog-fatal.js';

const DIALOG_ID = 'call-1;from-tag=peer1';

/** An INVITE from the peer answered 200 by the app (To tag d1); the ACK is up to the test. */
function answeredCall(w: FakeWorld): string {
  w.receive(request({ method: 'INVITE', branch: 'z9hG4bK-inv1', body: SDP }));
  const txnId = w.lastFrame().tokens[6] ?? '';
  w.sip(
    txnId,
    '',
    `SIP/2.0 200 OK\r\nCall-ID: call-1\r\ncseq: 1 INVITE\r\nfrom: <sip:peer@127.0.0.1:5070>;tag=peer1\r\nto: <sip:svc@127.0.0.1:5060>;tag=d1\r\nContent-Length: ${SDP.length}\r\n\r\n${SDP}`,
  );
  return txnId;
}

function confirmedCall(w: FakeWorld): void {
  answeredCall(w);
  w.receive(request({ method: 'ACK', toTag: 'd1', cseq: 1, branch: 'z9hG4bK-ack1' }));
}

/** The app sends `method` in the dialog; returns what went on the wire. */
async function appSends(
  w: FakeWorld,
  method: string,
  dialogId = DIALOG_ID,
  extra = '',
): Promise<ReturnType<FakeWorld['sent']>[number]> {
  const echo = w.sip(
    '',
    dialogId,
    `${method} sip:placeholder SIP/2.0\r\n${extra}Content-Length: 0\r\n\r\n`,
  )[0];
  if (echo?.status !== 'OK') throw new Error(`${method} refused: ${JSON.stringify(echo)}`);
  await w.settle();
  const sent = w.sent(method).at(-1);
  if (!sent) throw new Error(`no ${method} sent`);
  return sent;
}

function unsolicited(w: FakeWorld): { reason: string | undefined; dialogId: string | undefined }[] {
  return w
    .frames()
    .filter((f) => f.tokens[0] === 'application' && f.tokens[6] === 'unsolicited')
    .map((f) => ({
      reason: /text="([^"]*)"/.exec(f.message.get('reason') ?? '')?.[1],
      dialogId: f.tokens[7],
    }));
}

t.test('481 to an in-dialog INFO: the app gets the 481, then the dialog is destroyed; no BYE', async (t) => {
  const w = new FakeWorld().route('invite');
  confirmedCall(w);
  const info = await appSends(w, 'INFO');
  w.receive(responseTo(info, 481));
  await w.settle();
  const frames = w.frames();
  const last2 = frames.slice(-2).map((f) => [f.tokens[0], f.message.status || f.message.method]);
  t.same(
    last2,
    [
      ['network', 481],
      ['application', 'BYE'],
    ],
    'the 481 reaches the app before the teardown',
  );
  t.same(unsolicited(w), [{ reason: FATAL_REASON[481], dialogId: DIALOG_ID }], 'srf destroy reason');
  t.equal(w.core.stats().dialogs, 0, 'dialog forgotten');
  t.equal(w.sent('BYE').length, 0, 'no BYE to a peer that has no dialog');
  t.match(
    w.sip('', DIALOG_ID, 'INFO sip:placeholder SIP/2.0\r\n\r\n')[0],
    { status: 'NOK' },
    'later requests refused',
  );
});

t.test('408 (no response, timer F) to an in-dialog re-INVITE: BYE with Reason and destroy', async (t) => {
  const w = new FakeWorld().route('invite');
  confirmedCall(w);
  await appSends(w, 'INVITE', DIALOG_ID, `Content-Type: application/sdp\r\n`);
  w.clock.advance(64 * 100 + 1);
  await w.settle();
  const timeout = w.frames().find((f) => f.message.status === 408);
  t.ok(timeout, 'the app sees the 408');
  t.same(unsolicited(w), [{ reason: FATAL_REASON[408], dialogId: DIALOG_ID }]);
  const bye = w.sent('BYE')[0];
  t.match(bye?.get('reason'), `text="${FATAL_REASON[408]}"`, 'BYE tells the peer why');
  t.equal(w.core.stats().dialogs, 0);
});

t.test('481 to the app’s NOTIFY in a SUBSCRIBE dialog: forgotten (the watcher is gone)', async (t) => {
  const w = new FakeWorld().route('subscribe');
  w.receive(request({ method: 'SUBSCRIBE', headers: ['Event: presence', 'Expires: 600'] }));
  const txnId = w.lastFrame().tokens[6] ?? '';
  w.sip(
    txnId,
    '',
    'SIP/2.0 202 Accepted\r\nCall-ID: call-1\r\ncseq: 1 SUBSCRIBE\r\nfrom: <sip:peer@127.0.0.1:5070>;tag=peer1\r\nto: <sip:svc@127.0.0.1:5060>\r\nExpires: 600\r\n\r\n',
  );
  const notify = await appSends(
    w,
    'NOTIFY',
    DIALOG_ID,
    'Event: presence\r\nSubscription-State: active;expires=600\r\n',
  );
  t.equal(w.core.stats().dialogs, 1);
  w.receive(responseTo(notify, 481));
  t.equal(w.core.stats().dialogs, 0, 'dialog gone');
  t.same(unsolicited(w), [{ reason: FATAL_REASON[481], dialogId: DIALOG_ID }]);
  t.equal(w.sent('BYE').length, 0, 'never a BYE in a SUBSCRIBE dialog');
});

t.test('other failures (486 to INFO, 481 to PRACK-less BYE) leave the dialog alone', async (t) => {
  const w = new FakeWorld().route('invite');
  confirmedCall(w);
  const info = await appSends(w, 'INFO');
  w.receive(responseTo(info, 486));
  t.equal(w.core.stats().dialogs, 1, 'a 486 does not end the dialog');
  t.same(unsolicited(w), []);
  const bye = await appSends(w, 'BYE');
  w.receive(responseTo(bye, 481));
  t.equal(w.core.stats().dialogs, 0, 'BYE ends it as always');
  t.same(unsolicited(w), [], 'and the app asked for that: no destroy frame');
});

t.test(
  'BYE overtaking the lost ACK: dialog ends at once, 2xx retransmission stops, nothing left',
  async (t) => {
    const w = new FakeWorld().route('invite');
    answeredCall(w);
    w.clock.advance(100); // timer G fires once: the 2xx is being retransmitted
    await w.settle();
    const before = w.sent(200).length;
    t.ok(before >= 2, `2xx retransmitted while the ACK is missing (${before} sent)`);
    w.receive(request({ method: 'BYE', toTag: 'd1', cseq: 2, branch: 'z9hG4bK-bye' }));
    await w.settle();
    t.equal(w.core.stats().dialogs, 0, 'dialog ended on receipt of the BYE');
    t.equal(w.lastFrame().message.method, 'BYE', 'the app gets the BYE (srf destroy)');
    const byeTxn = w.lastFrame().tokens[6] ?? '';
    w.sip(
      byeTxn,
      DIALOG_ID,
      'SIP/2.0 200 OK\r\nCall-ID: call-1\r\ncseq: 2 BYE\r\nfrom: <sip:peer@127.0.0.1:5070>;tag=peer1\r\nto: <sip:svc@127.0.0.1:5060>;tag=d1\r\nContent-Length: 0\r\n\r\n',
    );
    await w.settle();
    t.equal(
      w.core.stats().pendingRequests,
      0,
      'the INVITE leg completed and the BYE answered: nothing pending',
    );
    w.clock.advance(64 * 100 * 2);
    await w.settle();
    t.equal(
      w.sent(200).filter((m) => m.method === 'INVITE').length,
      before,
      'no 2xx retransmission after the BYE',
    );
    t.equal(w.sent('BYE').length, 0, 'no "ACK timeout" BYE later');
    t.same(unsolicited(w), [], 'no unsolicited BYE either');
  },
);
