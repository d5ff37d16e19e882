/**
 * SUBSCRIBE dialogs expire (RFC 6665 §4.1.2.1, §4.2.1.1) on a FakeClock: refreshed by a SUBSCRIBE's
 * 2xx or a NOTIFY's `expires`, forgotten 64·T1 after the subscription ran out, the app told with an
 * unsolicited BYE frame ("Subscription expired"), nothing sent on the wire.
 */
import t from 'tap';
import { parseMessage } from '../message/parser.js';
import { FakeWorld, request, responseTo } from '../conformance/fake-world.js';
import type { FrameView } from '../conformance/fake-world.js';
import { SUBSCRIPTION_EXPIRED_REASON } from './subscription-expiry.js';

const T1 = 100;
const GRACE_MS = 64 * T1;

function accept(w: FakeWorld, txnId: string, cseq: number, expires: number, toTag = ''): string {
  const tag = toTag ? `;tag=${toTag}` : '';
  const echo = w.sip(
    txnId,
    '',
    `SIP/2.0 202 Accepted\r\nCall-ID: call-1\r\ncseq: ${cseq} SUBSCRIBE\r\nfrom: <sip:peer@127.0.0.1:5070>;tag=peer1\r\nto: <sip:svc@127.0.0.1:5060>${tag}\r\nExpires: ${expires}\r\n\r\n`,
  )[0];
  return echo?.tokens[7] ?? '';
}

const expiredFrames = (w: FakeWorld): FrameView[] =>
  w
    .frames()
    .filter(
      (f) => f.tokens[6] === 'unsolicited' && f.message.get('reason')?.includes(SUBSCRIPTION_EXPIRED_REASON),
    );

t.test('UAS: a watcher that never refreshes loses its dialog after Expires + 64·T1', async (t) => {
  const w = new FakeWorld().route('subscribe');
  w.receive(request({ method: 'SUBSCRIBE', headers: ['Event: presence', 'Expires: 3600'] }));
  const dialogId = accept(w, w.lastFrame().tokens[6] ?? '', 1, 60);
  t.equal(w.core.stats().dialogs, 1);
  w.clock.advance(60_000 + GRACE_MS - 1);
  await w.settle();
  t.equal(w.core.stats().dialogs, 1, 'kept through the grace period (room for the final NOTIFY)');
  w.clock.advance(1);
  await w.settle();
  t.equal(w.core.stats().dialogs, 0, 'forgotten: the 202’s Expires (60), not the request’s (3600)');
  const f = expiredFrames(w);
  t.equal(f.length, 1, 'the app is told once (srf destroy)');
  t.equal(f[0]?.tokens[7], dialogId);
  t.equal(w.transport.sent.filter((s) => s.message.isRequest).length, 0, 'nothing sent on the wire');
});

t.test('UAS: a refreshing SUBSCRIBE’s 2xx re-arms the expiry', async (t) => {
  const w = new FakeWorld().route('subscribe');
  w.receive(request({ method: 'SUBSCRIBE', headers: ['Event: presence', 'Expires: 60'] }));
  const dialogId = accept(w, w.lastFrame().tokens[6] ?? '', 1, 60, 'n1');
  w.clock.advance(50_000);
  w.receive(
    request({ method: 'SUBSCRIBE', toTag: 'n1', cseq: 2, headers: ['Event: presence', 'Expires: 60'] }),
  );
  const refresh = w.lastFrame();
  t.equal(refresh.tokens[7], dialogId, 'refresh delivered in the dialog');
  accept(w, refresh.tokens[6] ?? '', 2, 60, 'n1');
  w.clock.advance(60_000 + GRACE_MS - 1000);
  await w.settle();
  t.equal(w.core.stats().dialogs, 1, 'alive past the first expiry thanks to the refresh');
  w.clock.advance(1000);
  await w.settle();
  t.equal(w.core.stats().dialogs, 0, 'expired after the refreshed duration');
  t.equal(expiredFrames(w).length, 1);
});

t.test('UAS: the app’s terminating NOTIFY inside the grace period ends it normally', async (t) => {
  const w = new FakeWorld().route('subscribe');
  w.receive(request({ method: 'SUBSCRIBE', headers: ['Event: presence', 'Expires: 30'] }));
  const dialogId = accept(w, w.lastFrame().tokens[6] ?? '', 1, 30);
  w.clock.advance(30_000);
  const reply = w.sip(
    '',
    dialogId,
    'NOTIFY sip:placeholder SIP/2.0\r\nEvent: presence\r\nSubscription-State: terminated;reason=timeout\r\n\r\n',
  )[0];
  t.equal(reply?.status, 'OK', 'the dialog is still there for the final NOTIFY (RFC 6665 §4.2.2)');
  await w.settle();
  const sent = w.sent('NOTIFY')[0];
  if (!sent) throw new Error('no NOTIFY');
  w.receive(responseTo(sent, 200));
  t.equal(w.core.stats().dialogs, 0);
  w.clock.advance(GRACE_MS);
  await w.settle();
  t.equal(expiredFrames(w).length, 0, 'no expiry frame for a dialog that ended normally');
});

t.test('UAC: 202 Expires, then a NOTIFY’s expires=… shortens it; no refresh → forgotten', async (t) => {
  const w = new FakeWorld();
  const echo = parseMessage(
    Buffer.from(
      w.sip('', '', 'SUBSCRIBE sip:p@127.0.0.1:5070 SIP/2.0\r\nEvent: presence\r\nExpires: 600\r\n\r\n')[0]
        ?.sip ?? '',
    ),
  );
  await w.settle();
  const sub = w.sent('SUBSCRIBE')[0];
  if (!sub) throw new Error('no SUBSCRIBE');
  w.receive(
    responseTo(sub, 202, { toTag: 'ntf', headers: ['Contact: <sip:p@127.0.0.1:5070>', 'Expires: 600'] }),
  );
  const fromTag = /tag=([^;>\s]+)/.exec(echo.get('from') ?? '')?.[1] ?? '';
  w.receive(
    request({
      method: 'NOTIFY',
      callId: echo.get('call-id') ?? '',
      fromTag: 'ntf',
      toTag: fromTag,
      cseq: 1,
      headers: ['Event: presence', 'Subscription-State: active;expires=120'],
    }),
  );
  t.equal(w.core.stats().dialogs, 1);
  w.clock.advance(120_000 + GRACE_MS);
  await w.settle();
  t.equal(w.core.stats().dialogs, 0, 'gone after the NOTIFY’s 120 s, not the 202’s 600 s');
  t.equal(expiredFrames(w).length, 1, 'subscriber app told');
});
