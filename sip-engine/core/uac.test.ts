/**
 * Component tests of requests an app sends (spec §2.5, §2.7, §3.4) on a FakeClock: echo contents,
 * header rules, dialog ids on every response, ACK handling, CANCEL (held, race → ACK-BYE), BYE.
 */
import t from 'tap';
import type { CommandReply } from '../app/types.js';
import { parseMessage } from '../message/parser.js';
import type { SipMessage } from '../message/sip-message.js';
import { FakeWorld, responseTo, SDP } from '../conformance/fake-world.js';

const INVITE = `INVITE sip:agent@127.0.0.1:5070 SIP/2.0\r\nFrom: sip:queue@localhost\r\nTo: sip:agent@127.0.0.1:5070\r\nx-agent-id: 17\r\nContent-Length: ${SDP.length}\r\n\r\n${SDP}`;

function echoed(r: CommandReply | undefined): SipMessage {
  return parseMessage(Buffer.from(r?.sip ?? ''));
}

function call(w: FakeWorld): { txnId: string; dialogId: string; sent: SipMessage } {
  const r = w.sip('', '', INVITE)[0];
  const sent = echoed(r);
  const tag = /tag=([^;>\s]+)/.exec(sent.get('from') ?? '')?.[1] ?? '';
  return { txnId: r?.tokens[6] ?? '', dialogId: `${sent.get('call-id') ?? ''};from-tag=${tag}`, sent };
}

t.test('new INVITE: echo of the request as sent, with the stack headers', async (t) => {
  const w = new FakeWorld();
  const r = w.sip('', '', INVITE)[0];
  t.equal(r?.status, 'OK');
  t.same([r?.tokens[0], r?.tokens[7], r?.tokens[8]], ['application', 'Msg sent:', ''], 'request echo layout');
  const m = echoed(r);
  t.match(
    m.get('via'),
    /^SIP\/2\.0\/UDP 127\.0\.0\.1:5060;rport;branch=z9hG4bK/,
    'Via with rport and branch',
  );
  t.match(m.get('from'), /^sip:queue@127\.0\.0\.1:5060;tag=\w+/, '@localhost rewritten, tag added');
  t.equal(m.get('contact'), '<sip:127.0.0.1:5060>', 'Contact added');
  t.equal(m.get('max-forwards'), '70');
  t.match(m.get('cseq'), /^\d+ INVITE$/);
  t.ok(m.get('call-id'), 'Call-ID generated');
  t.equal(m.get('content-type'), 'application/sdp', 'SDP detected');
  t.equal(m.get('x-agent-id'), '17');
  t.ok(
    m.headers.some((h) => h.name === 'X-Agent-Id'),
    'unknown header re-capitalised',
  );
  await w.settle();
  t.equal(w.sent('INVITE').length, 1, 'sent to the network');
});

t.test('NOK: missing content-type, to myself, bad URI, unknown dialog', (t) => {
  const w = new FakeWorld();
  t.match(w.sip('', '', 'MESSAGE sip:a@127.0.0.1:5070 SIP/2.0\r\nContent-Length: 2\r\n\r\nhi')[0], {
    status: 'NOK',
    tokens: ['missing content-type'],
  });
  t.match(w.sip('', '', 'OPTIONS sip:a@127.0.0.1:5060 SIP/2.0\r\n\r\n')[0], {
    status: 'NOK',
    tokens: ['can not send request to myself'],
  });
  t.match(w.sip('', '', 'OPTIONS sip:a@[bad SIP/2.0\r\n\r\n')[0], { status: 'NOK' });
  t.match(w.sip('', 'nope;from-tag=x', 'BYE sip:placeholder SIP/2.0\r\n\r\n')[0], {
    status: 'NOK',
    tokens: ['unable to find dialog for dialog id provided'],
  });
  t.end();
});

t.test('app Call-ID, CSeq and From tag are honoured (srf auth retry)', (t) => {
  const w = new FakeWorld();
  const m = echoed(
    w.sip(
      '',
      '',
      'REGISTER sip:127.0.0.1:5070 SIP/2.0\r\nCall-ID: fixed-1\r\nCSeq: 7 REGISTER\r\nFrom: <sip:u@127.0.0.1>;tag=keep\r\nTo: <sip:u@127.0.0.1>\r\n\r\n',
    )[0],
  );
  t.equal(m.get('call-id'), 'fixed-1');
  t.equal(m.get('cseq'), '7 REGISTER');
  t.equal(m.get('from'), '<sip:u@127.0.0.1>;tag=keep');
  t.notOk(m.get('contact'), 'no Contact on REGISTER unless given');
  t.end();
});

t.test('responses carry the dialog id; 2xx → app ACK; retransmitted 2xx → ACK re-sent', async (t) => {
  const w = new FakeWorld();
  const c = call(w);
  await w.settle();
  const inv = w.sent('INVITE')[0];
  if (!inv) throw new Error('no INVITE');
  w.receive(responseTo(inv, 180, { toTag: 'callee' }));
  t.same(w.lastFrame().tokens.slice(6), [c.txnId, c.dialogId], '180 carries txn id and dialog id');
  w.receive(responseTo(inv, 200, { toTag: 'callee', body: SDP }));
  t.equal(w.lastFrame().message.status, 200);
  const framesBefore = w.conn.frames.length;
  w.receive(responseTo(inv, 200, { toTag: 'callee', body: SDP }));
  t.equal(w.conn.frames.length, framesBefore, 'a retransmitted 2xx is not passed up twice');
  const ack = w.sip('', c.dialogId, 'ACK sip:agent@127.0.0.1:5070 SIP/2.0\r\nContent-Length: 0\r\n\r\n')[0];
  t.equal(ack?.status, 'OK');
  const sentAck = echoed(ack);
  t.equal(
    sentAck.get('cseq'),
    `${/^(\d+)/.exec(inv.get('cseq') ?? '')?.[1] ?? ''} ACK`,
    'ACK uses the INVITE CSeq',
  );
  t.match(sentAck.get('to'), /tag=callee/);
  await w.settle();
  t.equal(w.sent('ACK').length, 1);
  w.receive(responseTo(inv, 200, { toTag: 'callee', body: SDP }));
  await w.settle();
  t.equal(w.sent('ACK').length, 2, 'kept ACK re-sent for the retransmitted 2xx');
  const bye = w.sip('', c.dialogId, 'BYE sip:placeholder SIP/2.0\r\nContent-Length: 0\r\n\r\n')[0];
  const byeMsg = echoed(bye);
  t.equal(
    byeMsg.startLine.kind === 'request' && byeMsg.startLine.uri,
    'sip:peer@127.0.0.1:5070',
    'placeholder → remote target',
  );
  t.equal(w.core.stats().dialogs, 1, 'dialog kept until the BYE response');
  await w.settle();
  const sentBye = w.sent('BYE')[0];
  if (!sentBye) throw new Error('no BYE');
  w.receive(responseTo(sentBye, 200));
  t.same(w.lastFrame().tokens.slice(7), [c.dialogId], 'BYE response carries the dialog id');
  t.equal(w.core.stats().dialogs, 0, 'dialog removed on the BYE response');
});

t.test('ACK for a non-2xx is refused', async (t) => {
  const w = new FakeWorld();
  const c = call(w);
  await w.settle();
  const inv = w.sent('INVITE')[0];
  if (!inv) throw new Error('no INVITE');
  w.receive(responseTo(inv, 486, { toTag: 'busy' }));
  t.equal(w.lastFrame().tokens[7], c.dialogId, 'failure carries the dialog id');
  await w.settle();
  t.equal(w.sent('ACK').length, 1, 'the stack ACKed the 486');
  t.match(w.sip('', c.dialogId, 'ACK sip:agent@127.0.0.1:5070 SIP/2.0\r\n\r\n')[0], {
    status: 'NOK',
    tokens: ['ACK for non-success final response is automatically generated by server'],
  });
});

t.test('CANCEL is held until a provisional; 487 follows', async (t) => {
  const w = new FakeWorld();
  const c = call(w);
  const r = w.sip(
    c.txnId,
    '',
    'CANCEL sip:agent@127.0.0.1:5070 SIP/2.0\r\nReason: SIP;cause=200;text="done"\r\n\r\n',
  )[0];
  t.equal(r?.status, 'OK');
  t.not(r?.tokens[6], c.txnId, 'CANCEL echo has a fresh txn id');
  await w.settle();
  t.equal(w.sent('CANCEL').length, 0, 'no CANCEL before a provisional (RFC 3261 §9.1)');
  const inv = w.sent('INVITE')[0];
  if (!inv) throw new Error('no INVITE');
  w.receive(responseTo(inv, 100));
  await w.settle();
  const cancel = w.sent('CANCEL')[0];
  t.equal(cancel?.get('via'), inv.get('via'), 'same Via as the INVITE');
  t.match(cancel?.get('reason'), /text="done"/, 'app header kept');
});

t.test('CANCEL racing a 200: ACK-BYE with an unsolicited BYE', async (t) => {
  const w = new FakeWorld();
  const c = call(w);
  await w.settle();
  const inv = w.sent('INVITE')[0];
  if (!inv) throw new Error('no INVITE');
  w.receive(responseTo(inv, 180, { toTag: 'callee' }));
  w.sip(c.txnId, '', 'CANCEL sip:agent@127.0.0.1:5070 SIP/2.0\r\n\r\n');
  w.receive(responseTo(inv, 200, { toTag: 'callee', body: SDP }));
  t.equal(w.lastFrame().message.status, 200, 'the 200 still reaches the app');
  w.sip('', c.dialogId, 'ACK sip:agent@127.0.0.1:5070 SIP/2.0\r\n\r\n');
  await w.settle();
  t.equal(w.sent('ACK').length, 1, 'ACK sent');
  t.match(w.sent('BYE')[0]?.get('reason'), /ACK-BYE due to cancel race condition/);
  t.same(w.lastFrame().tokens.slice(6, 8), ['unsolicited', c.dialogId], 'unsolicited BYE frame');
  t.equal(w.core.stats().dialogs, 0);
});

t.test('no answer at all: timer B gives the app a 408', async (t) => {
  const w = new FakeWorld();
  const c = call(w);
  w.clock.advance(64 * 100);
  await w.settle();
  const f = w.lastFrame();
  t.equal(f.message.status, 408);
  t.same(f.tokens.slice(6), [c.txnId, c.dialogId]);
});
