/**
 * SUBSCRIBE dialogs as UAC (RFC 6665: 202 creates the dialog, a NOTIFY may arrive first, a
 * terminating NOTIFY ends it on receipt) and CDRs (spec §2.4(c)) on a FakeClock.
 */
import t from 'tap';
import { parseMessage } from '../message/parser.js';
import { FakeWorld, request, responseTo, SDP } from '../conformance/fake-world.js';

const SUBSCRIBE =
  'SUBSCRIBE sip:presentity@127.0.0.1:5070 SIP/2.0\r\nEvent: presence\r\nExpires: 60\r\nContent-Length: 0\r\n\r\n';

function subscribe(w: FakeWorld): { dialogId: string; fromTag: string; callId: string } {
  const echo = parseMessage(Buffer.from(w.sip('', '', SUBSCRIBE)[0]?.sip ?? ''));
  const fromTag = /tag=([^;>\s]+)/.exec(echo.get('from') ?? '')?.[1] ?? '';
  const callId = echo.get('call-id') ?? '';
  return { dialogId: `${callId};from-tag=${fromTag}`, fromTag, callId };
}

function notify(s: { fromTag: string; callId: string }, cseq: number, state: string): string {
  return request({
    method: 'NOTIFY',
    callId: s.callId,
    fromTag: 'notifier',
    toTag: s.fromTag,
    cseq,
    headers: ['Event: presence', `Subscription-State: ${state}`],
  });
}

t.test('UAC SUBSCRIBE: 202 creates the dialog, NOTIFYs in it, terminated NOTIFY ends it', async (t) => {
  const w = new FakeWorld();
  const s = subscribe(w);
  await w.settle();
  const sub = w.sent('SUBSCRIBE')[0];
  if (!sub) throw new Error('no SUBSCRIBE');
  t.equal(sub.get('contact'), '<sip:127.0.0.1:5060>', 'Contact added to SUBSCRIBE');
  w.receive(
    responseTo(sub, 202, {
      toTag: 'notifier',
      headers: ['Contact: <sip:presentity@127.0.0.1:5070>', 'Expires: 60'],
    }),
  );
  t.equal(w.lastFrame().tokens[7], s.dialogId, '202 carries the dialog id');
  t.equal(w.core.stats().dialogs, 1);
  w.receive(notify(s, 1, 'active;expires=60'));
  const n = w.lastFrame();
  t.same([n.message.method, n.tokens[7]], ['NOTIFY', s.dialogId], 'NOTIFY delivered in the dialog');
  w.receive(notify(s, 2, 'terminated;reason=timeout'));
  t.equal(w.core.stats().dialogs, 0, 'terminating NOTIFY removes the dialog on receipt');
});

t.test('a NOTIFY that beats the 202 creates the dialog (RFC 6665 §4.1.2.4)', async (t) => {
  const w = new FakeWorld();
  const s = subscribe(w);
  await w.settle();
  w.receive(notify(s, 1, 'active;expires=60'));
  t.equal(w.lastFrame().tokens[7], s.dialogId);
  t.equal(w.core.stats().dialogs, 1);
  const sub = w.sent('SUBSCRIBE')[0];
  if (!sub) throw new Error('no SUBSCRIBE');
  w.receive(
    responseTo(sub, 202, { toTag: 'notifier', headers: ['Contact: <sip:presentity@127.0.0.1:5070>'] }),
  );
  t.equal(w.core.stats().dialogs, 1, 'still one dialog');
});

t.test('UAS SUBSCRIBE: the app’s terminating NOTIFY ends the dialog on its response', async (t) => {
  const w = new FakeWorld().route('subscribe');
  w.receive(request({ method: 'SUBSCRIBE', headers: ['Event: presence', 'Expires: 60'] }));
  const txnId = w.lastFrame().tokens[6] ?? '';
  const echo = w.sip(
    txnId,
    '',
    'SIP/2.0 202 Accepted\r\nCall-ID: call-1\r\ncseq: 1 SUBSCRIBE\r\nfrom: <sip:peer@127.0.0.1:5070>;tag=peer1\r\nto: <sip:svc@127.0.0.1:5060>\r\nExpires: 60\r\n\r\n',
  )[0];
  t.match(echo?.sip, /Contact: <sip:127\.0\.0\.1:5060>/, 'Contact on the 202');
  const dialogId = echo?.tokens[7] ?? '';
  t.equal(dialogId, 'call-1;from-tag=peer1');
  w.sip(
    '',
    dialogId,
    'NOTIFY sip:placeholder SIP/2.0\r\nEvent: presence\r\nSubscription-State: terminated;reason=noresource\r\n\r\n',
  );
  await w.settle();
  const sent = w.sent('NOTIFY')[0];
  if (!sent) throw new Error('no NOTIFY');
  t.equal(w.core.stats().dialogs, 1, 'kept until the response');
  w.receive(responseTo(sent, 200));
  t.equal(w.core.stats().dialogs, 0, 'removed on the response');
});

t.test('CDRs: attempt, start, stop for an answered and released call', (t) => {
  const w = new FakeWorld({ cdrs: true }).route('invite');
  w.receive(request({ method: 'INVITE', branch: 'z9hG4bK-c', body: SDP }));
  const txnId = w.lastFrame().tokens[6] ?? '';
  w.sip(
    txnId,
    '',
    `SIP/2.0 200 OK\r\nCall-ID: call-1\r\ncseq: 1 INVITE\r\nfrom: <sip:peer@127.0.0.1:5070>;tag=peer1\r\nto: <sip:svc@127.0.0.1:5060>;tag=cd\r\nContent-Length: ${SDP.length}\r\n\r\n${SDP}`,
  );
  w.receive(request({ method: 'ACK', toTag: 'cd', branch: 'z9hG4bK-ca' }));
  w.receive(request({ method: 'BYE', toTag: 'cd', cseq: 2, branch: 'z9hG4bK-cb' }));
  t.same(
    w.app.cdrs.map((c) => [c.kind, c.tokens[0], c.tokens[2]]),
    [
      ['cdr:attempt', 'network', undefined],
      ['cdr:start', 'application', 'uas'],
      ['cdr:stop', 'network', 'normal-release'],
    ],
  );
  t.end();
});
