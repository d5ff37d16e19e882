/**
 * Component tests of the UAS side of the core (spec §3.2, §3.3, §3.5) on a FakeClock: the real
 * transaction layer, a recording transport and a fake app server.
 */
import t from 'tap';
import { FakeWorld, request, SDP } from '../conformance/fake-world.js';

const invite = (extra: Partial<Parameters<typeof request>[0]> = {}): string =>
  request({ method: 'INVITE', branch: 'z9hG4bK-inv1', body: SDP, ...extra });

function answer(
  w: FakeWorld,
  txnId: string,
  status: number,
  headers = '',
  body = '',
): ReturnType<FakeWorld['sip']> {
  return w.sip(
    txnId,
    '',
    `SIP/2.0 ${status} X\r\nCall-ID: call-1\r\ncseq: 1 INVITE\r\nfrom: <sip:peer@127.0.0.1:5070>;tag=peer1\r\nto: <sip:svc@127.0.0.1:5060>\r\n${headers}Content-Length: ${body.length}\r\n\r\n${body}`,
  );
}

t.test('INVITE: 100 at once, then the app sees it with a fresh txn id and receivedOn', async (t) => {
  const w = new FakeWorld().route('invite');
  w.receive(invite());
  await w.settle();
  t.equal(w.sent(100).length, 1, '100 Trying sent before the app answers');
  const f = w.lastFrame();
  t.equal(f.tokens[0], 'network');
  t.match(f.tokens[6], /^[0-9a-f-]{36}$/, 'txn id is a UUID');
  t.equal(f.tokens[7], '', 'no dialog id for a new request');
  t.same(f.tokens.slice(8), ['127.0.0.1', '5060'], 'recvAddr|recvPort');
});

t.test('no app for the method → 503; OPTIONS from the ping User-Agent → 200', async (t) => {
  const w = new FakeWorld({ optionsPingUserAgent: 'pinger' });
  w.receive(invite());
  w.receive(request({ method: 'OPTIONS', callId: 'o1', headers: ['User-Agent: pinger'] }));
  w.receive(request({ method: 'MESSAGE', callId: 'm1' }));
  await w.settle();
  t.equal(w.sent(503).length, 2, 'INVITE and MESSAGE refused with 503');
  t.equal(w.sent(200).length, 1, 'OPTIONS answered by the engine');
  t.equal(w.conn.frames.length, 0, 'nothing reached any app');
});

t.test('maxPendingTransactions → 503', async (t) => {
  const w = new FakeWorld({
    limits: {
      maxMessageBytes: 65535,
      maxConnections: 10,
      idleTimeoutMs: 1000,
      perSourceRequestsPerSecond: 0,
      maxPendingTransactions: 1,
    },
  }).route('message');
  w.receive(request({ method: 'MESSAGE', callId: 'm1' }));
  w.receive(request({ method: 'MESSAGE', callId: 'm2' }));
  await w.settle();
  t.equal(w.conn.frames.length, 1, 'first delivered');
  t.equal(w.sent(503).length, 1, 'second refused');
});

t.test('180 + 200: echo, To tag, Contact, Content-Type; 2xx retransmitted until the ACK', async (t) => {
  const w = new FakeWorld().route('invite');
  w.receive(invite());
  const txnId = w.lastFrame().tokens[6] ?? '';
  const ring = answer(w, txnId, 180, 'to: <sip:svc@127.0.0.1:5060>;tag=mytag\r\n');
  t.equal(ring[0]?.status, 'OK');
  const ok = answer(w, txnId, 200, 'X-Agent-Id: a17\r\n', SDP);
  const echo = ok[0];
  t.equal(echo?.status, 'OK');
  t.equal(echo?.tokens[6], txnId, 'echo carries the txn id');
  t.equal(echo?.tokens[7], 'call-1;from-tag=peer1', 'and the dialog id');
  t.same(echo?.tokens.slice(8), ['', 'Msg sent:', ''], 'response echo layout');
  t.match(echo?.sip, /To: <sip:svc@127\.0\.0\.1:5060>;tag=mytag/, 'app tag kept for the dialog');
  t.match(echo?.sip, /Contact: <sip:127\.0\.0\.1:5060>/, 'Contact added');
  t.match(echo?.sip, /Content-Type: application\/sdp/, 'SDP detected');
  t.match(echo?.sip, /X-Agent-Id: a17/, 'custom header re-spelt');
  await w.settle();
  t.equal(w.sent(200).length, 1);
  w.clock.advance(100);
  w.clock.advance(200);
  await w.settle();
  t.equal(w.sent(200).length, 3, 'timer G: T1, then 2·T1');
  w.receive(request({ method: 'ACK', toTag: 'mytag', cseq: 1, branch: 'z9hG4bK-ack1' }));
  const ack = w.lastFrame();
  t.equal(ack.message.method, 'ACK', 'ACK delivered');
  t.not(ack.tokens[6], txnId, 'with a fresh txn id');
  t.equal(ack.tokens[7], 'call-1;from-tag=peer1', 'and the dialog id');
  w.clock.advance(5000);
  await w.settle();
  t.equal(w.sent(200).length, 3, 'no retransmission after the ACK');
  t.equal(w.core.stats().dialogs, 1);
});

t.test('2xx without ACK: BYE with Reason "ACK timeout" and an unsolicited BYE frame (timer H)', async (t) => {
  const w = new FakeWorld().route('invite');
  w.receive(invite());
  answer(w, w.lastFrame().tokens[6] ?? '', 200, '', SDP);
  w.clock.advance(64 * 100);
  await w.settle();
  const bye = w.sent('BYE')[0];
  t.match(bye?.get('reason'), 'SIP ;cause=200 ;text="ACK timeout"');
  t.equal(
    bye?.startLine.kind === 'request' && bye.startLine.uri,
    'sip:peer@127.0.0.1:5070',
    'to the remote target',
  );
  const f = w.lastFrame();
  t.same([f.tokens[0], f.tokens[6], f.tokens[7]], ['application', 'unsolicited', 'call-1;from-tag=peer1']);
  t.equal(w.core.stats().dialogs, 0, 'dialog cleared');
});

t.test(
  'CANCEL of a pending INVITE: 200 + 487, CANCEL to the app with the INVITE txn id, later response NOK',
  async (t) => {
    const w = new FakeWorld().route('invite');
    w.receive(invite());
    const txnId = w.lastFrame().tokens[6] ?? '';
    w.receive(request({ method: 'CANCEL', branch: 'z9hG4bK-inv1', cseq: 1 }));
    await w.settle();
    t.equal(w.sent(487).length, 1, '487 to the INVITE');
    t.ok(
      w.sent(200).some((m) => m.method === 'CANCEL'),
      '200 to the CANCEL',
    );
    const f = w.lastFrame();
    t.equal(f.message.method, 'CANCEL');
    t.equal(f.tokens[6], txnId, 'CANCEL carries the INVITE txn id');
    t.equal(answer(w, txnId, 200, '', SDP)[0]?.status, 'NOK', 'late answer refused');
  },
);

t.test('CANCEL after 200 before ACK: 481 and BYE "CANCEL after 200 OK"', async (t) => {
  const w = new FakeWorld().route('invite');
  w.receive(invite());
  answer(w, w.lastFrame().tokens[6] ?? '', 200, '', SDP);
  w.receive(request({ method: 'CANCEL', branch: 'z9hG4bK-inv1', cseq: 1 }));
  await w.settle();
  t.ok(
    w.sent(481).some((m) => m.method === 'CANCEL'),
    '481 to the CANCEL',
  );
  t.match(w.sent('BYE')[0]?.get('reason'), /CANCEL after 200 OK/);
  t.equal(w.lastFrame().tokens[6], 'unsolicited');
});

t.test('481 for CANCEL, BYE, UPDATE and To-tagged INVITE without a match', async (t) => {
  const w = new FakeWorld().route('invite', 'bye', 'update');
  w.receive(request({ method: 'CANCEL', callId: 'x1' }));
  w.receive(request({ method: 'BYE', callId: 'x2' }));
  w.receive(request({ method: 'UPDATE', callId: 'x3' }));
  w.receive(request({ method: 'INVITE', callId: 'x4', toTag: 'nope' }));
  w.receive(request({ method: 'BYE', callId: 'x5', toTag: 'nope' }));
  await w.settle();
  t.equal(w.sent(481).length, 5);
  t.equal(w.conn.frames.length, 0);
});

t.test('early UPDATE reuses the INVITE txn id; its response is told apart by CSeq', async (t) => {
  const w = new FakeWorld().route('invite');
  w.receive(invite());
  const txnId = w.lastFrame().tokens[6] ?? '';
  answer(w, txnId, 180, 'to: <sip:svc@127.0.0.1:5060>;tag=early\r\n');
  w.receive(request({ method: 'UPDATE', toTag: 'early', cseq: 2, body: SDP }));
  const f = w.lastFrame();
  t.equal(f.message.method, 'UPDATE');
  t.equal(f.tokens[6], txnId, 'INVITE txn id');
  w.receive(request({ method: 'UPDATE', toTag: 'early', cseq: 3, body: SDP }));
  await w.settle();
  t.equal(w.sent(500).length, 1, 'a second concurrent early UPDATE gets 500');
  const r = w.sip(
    txnId,
    '',
    `SIP/2.0 200 OK\r\nCall-ID: call-1\r\ncseq: 2 UPDATE\r\nfrom: <sip:peer@127.0.0.1:5070>;tag=peer1\r\nto: <sip:svc@127.0.0.1:5060>;tag=early\r\nContent-Length: 0\r\n\r\n`,
  );
  t.equal(r[0]?.status, 'OK');
  await w.settle();
  t.ok(
    w.sent(200).some((m) => m.method === 'UPDATE'),
    'UPDATE answered on its own transaction',
  );
  t.equal(answer(w, txnId, 200, '', SDP)[0]?.status, 'OK', 'the INVITE is still answerable');
});

t.test(
  'reliable 183: refused without 100rel support; with it, RSeq and retransmission until PRACK',
  async (t) => {
    const w = new FakeWorld().route('invite');
    w.receive(invite());
    const plain = w.lastFrame().tokens[6] ?? '';
    t.match(answer(w, plain, 183, 'Require: 100rel\r\n')[0], {
      status: 'NOK',
      tokens: ['Remote endpoint does not support 100rel'],
    });
    w.receive(invite({ callId: 'call-2', branch: 'z9hG4bK-inv2', headers: ['Supported: 100rel, timer'] }));
    const txnId = w.lastFrame().tokens[6] ?? '';
    const r = w.sip(
      txnId,
      '',
      `SIP/2.0 183 Session Progress\r\nCall-ID: call-2\r\ncseq: 1 INVITE\r\nfrom: <sip:peer@127.0.0.1:5070>;tag=peer1\r\nto: <sip:svc@127.0.0.1:5060>\r\nRequire: 100rel\r\nContent-Length: ${SDP.length}\r\n\r\n${SDP}`,
    );
    t.match(r[0]?.sip, /RSeq: \d+/, 'RSeq added');
    t.match(r[0]?.sip, /Contact:/, 'Contact on a reliable 1xx');
    const rseq = /RSeq: (\d+)/.exec(r[0]?.sip ?? '')?.[1] ?? '';
    const tag = /tag=([^\s;>]+)\r\nCall-ID|To: [^\r]*tag=([^\s;>\r]+)/.exec(r[0]?.sip ?? '');
    const toTag = tag?.[2] ?? tag?.[1] ?? '';
    w.clock.advance(100);
    w.clock.advance(200);
    await w.settle();
    t.equal(w.sent(183).length, 3, 'retransmitted');
    w.receive(
      request({ method: 'PRACK', callId: 'call-2', toTag, cseq: 2, headers: [`RAck: ${rseq} 1 INVITE`] }),
    );
    const prack = w.lastFrame();
    t.equal(prack.message.method, 'PRACK', 'PRACK to the app');
    t.equal(prack.tokens[7], 'call-2;from-tag=peer1', 'with the dialog id');
    w.clock.advance(1000);
    await w.settle();
    t.equal(w.sent(183).length, 3, 'no retransmission after the PRACK');
  },
);

t.test('422 with Min-SE for a too small Session-Expires; 400 for an INVITE without Contact', async (t) => {
  const w = new FakeWorld().route('invite');
  w.receive(invite({ headers: ['Session-Expires: 30'] }));
  w.receive(
    request({ method: 'INVITE', callId: 'c2' }).replace('Contact: <sip:peer@127.0.0.1:5070>\r\n', ''),
  );
  await w.settle();
  t.equal(w.sent(422)[0]?.get('min-se'), '90');
  t.equal(w.sent(400).length, 1);
  t.equal(w.conn.frames.length, 0);
});

t.test('re-INVITE: 100 at once, delivered in dialog; BYE removes the dialog on receipt', async (t) => {
  const w = new FakeWorld().route('invite');
  w.receive(invite());
  const txnId = w.lastFrame().tokens[6] ?? '';
  answer(w, txnId, 200, 'to: <sip:svc@127.0.0.1:5060>;tag=d1\r\n', SDP);
  w.receive(request({ method: 'ACK', toTag: 'd1', cseq: 1, branch: 'z9hG4bK-a' }));
  w.receive(request({ method: 'INVITE', toTag: 'd1', cseq: 2, branch: 'z9hG4bK-re', body: SDP }));
  await w.settle();
  t.equal(w.sent(100).length, 2, '100 for the re-INVITE too');
  const re = w.lastFrame();
  t.equal(re.tokens[7], 'call-1;from-tag=peer1');
  w.receive(request({ method: 'INVITE', toTag: 'd1', cseq: 3, branch: 'z9hG4bK-re2', body: SDP }));
  await w.settle();
  t.equal(w.sent(500).length, 1, 'overlapping re-INVITE → 500 (RFC 3261 §14.2)');
  w.receive(request({ method: 'BYE', toTag: 'd1', cseq: 4, branch: 'z9hG4bK-bye' }));
  t.equal(w.core.stats().dialogs, 0, 'dialog removed on receipt of BYE');
  t.equal(w.lastFrame().message.method, 'BYE');
});

t.test('a request the app never answers is forgotten after 64 s', (t) => {
  const w = new FakeWorld().route('message');
  w.receive(request({ method: 'MESSAGE' }));
  t.equal(w.core.stats().pendingRequests, 1);
  w.clock.advance(64_000);
  t.equal(w.core.stats().pendingRequests, 0);
  t.end();
});

t.test('malformed request with a readable head → 400; without Via → dropped', async (t) => {
  const w = new FakeWorld();
  const partial = (await import('../message/sip-message.js')).SipMessage.request('INVITE', 'sip:x@127.0.0.1');
  partial
    .append('Via', 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-bad')
    .append('From', '<sip:a@127.0.0.1>;tag=1')
    .append('To', '<sip:x@127.0.0.1>')
    .append('Call-ID', 'bad')
    .append('CSeq', '1 INVITE');
  w.transport.emitMalformed({
    source: { protocol: 'udp', address: '127.0.0.1', port: 5070 },
    local: w.transport.endpoints[0] ?? { protocol: 'udp', address: '127.0.0.1', port: 5060 },
    raw: Buffer.from('x'),
    reason: 'bad Content-Length',
    partial,
  });
  w.transport.emitMalformed({
    source: { protocol: 'udp', address: '127.0.0.1', port: 5070 },
    local: { protocol: 'udp', address: '127.0.0.1', port: 5060 },
    raw: Buffer.from('garbage'),
    reason: 'bad start line',
  });
  await w.settle();
  t.equal(w.sent(400).length, 1);
});
