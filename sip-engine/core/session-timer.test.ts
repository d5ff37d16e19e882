/**
 * RFC 4028 session timers on a FakeClock (spec §3.5): the UAS answers with Session-Expires, the
 * refresher re-INVITEs at half the interval with the last SDP, and a silent peer refresher gets a
 * BYE "Session timer expired" before the interval ends.
 */
import t from 'tap';
import { FakeWorld, request, responseTo, SDP } from '../conformance/fake-world.js';

function answered(w: FakeWorld, refresher: 'uac' | 'uas'): string {
  w.receive(
    request({
      method: 'INVITE',
      branch: 'z9hG4bK-1',
      body: SDP,
      headers: ['Supported: timer', `Session-Expires: 120;refresher=${refresher}`],
    }),
  );
  const txnId = w.lastFrame().tokens[6] ?? '';
  const r = w.sip(
    txnId,
    '',
    `SIP/2.0 200 OK\r\nCall-ID: call-1\r\ncseq: 1 INVITE\r\nfrom: <sip:peer@127.0.0.1:5070>;tag=peer1\r\nto: <sip:svc@127.0.0.1:5060>;tag=st\r\nContent-Length: ${SDP.length}\r\n\r\n${SDP}`,
  );
  w.receive(request({ method: 'ACK', toTag: 'st', branch: 'z9hG4bK-a1' }));
  return r[0]?.sip ?? '';
}

t.test('refresher=uas: we re-INVITE at half the interval with the last SDP and ACK the 200', async (t) => {
  const w = new FakeWorld().route('invite');
  const echo = answered(w, 'uas');
  t.match(echo, /Session-Expires: 120;refresher=uas/, '2xx carries Session-Expires');
  w.clock.advance(59_000);
  await w.settle();
  t.equal(w.sent('INVITE').length, 0, 'not yet');
  w.clock.advance(1_000);
  await w.settle();
  const re = w.sent('INVITE')[0];
  if (!re) throw new Error('no refresh');
  t.equal(re.body.toString(), SDP, 'last local SDP re-offered');
  t.match(re.get('session-expires'), /^120;refresher=uac/);
  const frames = w.conn.frames.length;
  w.receive(responseTo(re, 200, { body: SDP, headers: ['Session-Expires: 120;refresher=uac'] }));
  await w.settle();
  t.equal(w.sent('ACK').length, 1, 'the engine ACKs its own refresh');
  t.equal(w.conn.frames.length, frames, 'the app hears nothing of it');
  w.clock.advance(60_000);
  await w.settle();
  t.equal(w.sent('INVITE').length, 2, 're-armed');
});

t.test('refresher=uac and no refresh: BYE "Session timer expired" before the interval ends', async (t) => {
  const w = new FakeWorld().route('invite');
  answered(w, 'uac');
  w.clock.advance(87_000);
  await w.settle();
  t.equal(w.sent('BYE').length, 0);
  w.clock.advance(1_000);
  await w.settle();
  t.match(w.sent('BYE')[0]?.get('reason'), /Session timer expired/);
  t.equal(w.lastFrame().tokens[6], 'unsolicited');
});

t.test('a peer refresh answered by the app re-arms the timer', async (t) => {
  const w = new FakeWorld().route('invite');
  answered(w, 'uac');
  w.clock.advance(80_000);
  w.receive(
    request({
      method: 'INVITE',
      toTag: 'st',
      cseq: 2,
      branch: 'z9hG4bK-r',
      body: SDP,
      headers: ['Session-Expires: 120;refresher=uac'],
    }),
  );
  const txnId = w.lastFrame().tokens[6] ?? '';
  w.sip(
    txnId,
    '',
    `SIP/2.0 200 OK\r\nCall-ID: call-1\r\ncseq: 2 INVITE\r\nfrom: <sip:peer@127.0.0.1:5070>;tag=peer1\r\nto: <sip:svc@127.0.0.1:5060>;tag=st\r\nContent-Length: ${SDP.length}\r\n\r\n${SDP}`,
  );
  w.receive(request({ method: 'ACK', toTag: 'st', cseq: 2, branch: 'z9hG4bK-a2' }));
  w.clock.advance(80_000);
  await w.settle();
  t.equal(w.sent('BYE').length, 0, 'still up 160 s in');
  w.clock.advance(8_000);
  await w.settle();
  t.equal(w.sent('BYE').length, 1, 'expires 88 s after the refresh');
});
