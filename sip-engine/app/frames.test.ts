/**
 * Server→app frames against the byte-exact examples of spec §2.6 (lengths and leaders), and token
 * positions as drachtio-srf 5.0.29 reads them (`_onMsg` in lib/drachtio-agent.js).
 */
import t from 'tap';
import { encodeFrame } from './framing.js';
import {
  authenticateTokens,
  cdrFrame,
  cdrTokens,
  formatStackTime,
  FrameFormatError,
  networkMessageFrame,
  networkRequestFrame,
  nokReply,
  proxyContinueReply,
  proxyDoneReply,
  requestEchoReply,
  responseEchoReply,
  responseFrame,
  sipFrame,
  unsolicitedRequestFrame,
  wireProtocol,
} from './frames.js';

const ID = (n: number): string => `0c9a1b2c-0000-4000-8000-${String(n).padStart(12, '0')}`;
const at = (h: number, m: number, s: number, ms: number): Date => new Date(Date.UTC(2026, 0, 1, h, m, s, ms));
const udp = (address: string, port: number, when: Date) => ({
  protocol: 'udp' as const,
  address,
  port,
  at: when,
});

/** A SIP text of exactly `bytes` UTF-8 bytes (a multi-byte character included on purpose). */
function sipOf(startLine: string, bytes: number): string {
  const head = `${startLine}\r\nX-Name: Zoë\r\nX-Pad: `;
  const tail = '\r\nContent-Length: 0\r\n\r\n';
  const pad = bytes - Buffer.byteLength(head + tail);
  return head + 'p'.repeat(pad) + tail;
}

/** Splits an encoded frame as srf does: length, leader tokens (up to the first CR), raw SIP. */
function asSrfSees(frame: Buffer): { length: number; token: string[]; raw: string | undefined } {
  const text = frame.toString('utf8');
  const hash = text.indexOf('#');
  const msg = text.slice(hash + 1);
  const pos = msg.indexOf('\r');
  return {
    length: Number(text.slice(0, hash)),
    token: (pos === -1 ? msg : msg.slice(0, pos)).split('|'),
    raw: pos === -1 ? undefined : msg.slice(pos + 2),
  };
}

t.test('§2.6 handshake: authenticate OK, route OK and pong, byte for byte', (t) => {
  const identity = {
    publicHostports: 'udp/127.0.0.1:5060,tcp/127.0.0.1:5060',
    version: 'v0.9.10',
    localHostports: 'udp/127.0.0.1:5060,tcp/127.0.0.1:5060',
  };
  const auth = responseFrame(
    ID(1),
    '7d1c2f0e-5b3a-4c61-9e0a-1f2b3c4d5e6f',
    'OK',
    authenticateTokens(identity),
  );
  t.equal(
    encodeFrame(auth).toString(),
    '169#0c9a1b2c-0000-4000-8000-000000000001|response|7d1c2f0e-5b3a-4c61-9e0a-1f2b3c4d5e6f|OK|udp/127.0.0.1:5060,tcp/127.0.0.1:5060|v0.9.10|udp/127.0.0.1:5060,tcp/127.0.0.1:5060',
  );
  const srf = asSrfSees(encodeFrame(auth)).token.slice(3);
  t.same(
    [srf[0], srf[1], srf[2], srf[3]],
    ['OK', identity.publicHostports, 'v0.9.10', identity.localHostports],
  );
  const route = responseFrame(ID(3), 'a0a0a0a0-1111-4222-8333-444455556666', 'OK', []);
  t.equal(
    encodeFrame(route).toString(),
    '85#0c9a1b2c-0000-4000-8000-000000000003|response|a0a0a0a0-1111-4222-8333-444455556666|OK',
  );
  const pong = encodeFrame(responseFrame(ID(9), '3a3b3c3d-aaaa-4bbb-8ccc-ddddeeeeffff', 'OK', ['pong']));
  t.equal(pong.toString(), `90#${ID(9)}|response|3a3b3c3d-aaaa-4bbb-8ccc-ddddeeeeffff|OK|pong`);
  t.end();
});

t.test('§2.6 incoming INVITE (network, 3-argument variant): 497 bytes, receivedOn tokens', (t) => {
  const sip = sipOf('INVITE sip:4000@127.0.0.1:5060 SIP/2.0', 354);
  const frame = networkRequestFrame(sip, {
    ...udp('127.0.0.1', 5072, at(14, 3, 7, 512)),
    txnId: 'f3e1d2c3-aaaa-4bbb-8ccc-000000000001',
    receivedOn: { address: '127.0.0.1', port: 5060 },
  });
  const bytes = encodeFrame(sipFrame(ID(4), frame));
  const { length, token, raw } = asSrfSees(bytes);
  t.equal(length, 497);
  t.equal(
    token.join('|'),
    `${ID(4)}|sip|network|354|udp|127.0.0.1|5072|14:03:07.512000|f3e1d2c3-aaaa-4bbb-8ccc-000000000001||127.0.0.1|5060|`,
  );
  t.equal(raw, sip);
  t.ok(token.length > 9, 'srf does not ignore it');
  t.same(
    [token[2], token[8], token[9], `${token[10]}:${token[11]}`],
    ['network', 'f3e1d2c3-aaaa-4bbb-8ccc-000000000001', '', '127.0.0.1:5060'],
  );
  t.equal(token[12], '', 'sessionToken slot is empty as the server sends it');
  t.end();
});

t.test('§2.6 CANCEL of a pending INVITE reuses the INVITE id: 424 bytes', (t) => {
  const sip = sipOf('CANCEL sip:4000@127.0.0.1:5060 SIP/2.0', 281);
  const frame = networkRequestFrame(sip, {
    ...udp('127.0.0.1', 5072, at(14, 3, 7, 700)),
    txnId: 'f3e1d2c3-aaaa-4bbb-8ccc-000000000001',
    receivedOn: { address: '127.0.0.1', port: 5060 },
  });
  const text = encodeFrame(sipFrame(ID(5), frame)).toString();
  t.ok(
    text.startsWith(
      `424#${ID(5)}|sip|network|281|udp|127.0.0.1|5072|14:03:07.700000|f3e1d2c3-aaaa-4bbb-8ccc-000000000001||127.0.0.1|5060|\r\nCANCEL `,
    ),
  );
  t.end();
});

t.test('a new request without receivedOn ends `txnId||`', (t) => {
  const frame = networkRequestFrame('OPTIONS sip:a SIP/2.0\r\n\r\n', {
    ...udp('::1', 5070, at(0, 0, 0, 0)),
    txnId: 'T',
  });
  t.equal(sipFrame('M', frame).split('\r\n')[0], 'M|sip|network|25|udp|::1|5070|00:00:00.000000|T||');
  t.end();
});

t.test('§2.6 in-dialog ACK, BYE 200 and UAC 180 (4-argument variant): 436, 380, 413 bytes', (t) => {
  const cases = [
    {
      n: 436,
      bytes: 284,
      port: 5072,
      when: at(14, 3, 8, 1),
      txn: '9e9e9e9e-0000-4000-8000-000000000002',
      dlg: 'c1@127.0.0.1;from-tag=a1',
      line: 'ACK sip:4000@127.0.0.1:5060 SIP/2.0',
    },
    {
      n: 380,
      bytes: 228,
      port: 5072,
      when: at(14, 5, 0, 104),
      txn: '5a5a5a5a-bbbb-4ccc-8ddd-000000000003',
      dlg: 'c1@127.0.0.1;from-tag=a1',
      line: 'SIP/2.0 200 OK',
    },
    {
      n: 413,
      bytes: 263,
      port: 5080,
      when: at(14, 10, 0, 200),
      txn: '11111111-2222-4333-8444-555555555555',
      dlg: '3f2e1d-uac;from-tag=Q7',
      line: 'SIP/2.0 180 Ringing',
    },
  ];
  for (const c of cases) {
    const sip = sipOf(c.line, c.bytes);
    const frame = networkMessageFrame(sip, {
      ...udp('127.0.0.1', c.port, c.when),
      txnId: c.txn,
      dialogId: c.dlg,
    });
    const { length, token } = asSrfSees(encodeFrame(sipFrame(ID(6), frame)));
    t.equal(length, c.n, `${c.line}: length`);
    t.equal(
      token.join('|'),
      `${ID(6)}|sip|network|${c.bytes}|udp|127.0.0.1|${c.port}|${formatStackTime(c.when)}|${c.txn}|${c.dlg}|`,
    );
    t.same(
      [token[3], token[8], token[9]],
      [String(c.bytes), c.txn, c.dlg],
      'srf bytes, transactionId, dialogId',
    );
    t.equal(token.length, 11, 'no receivedOn');
  }
  t.end();
});

t.test('§2.6 unsolicited BYE: source application, txn id `unsolicited`, 434 bytes', (t) => {
  const sip = sipOf('BYE sip:alice@127.0.0.1:5072 SIP/2.0', 303);
  const frame = unsolicitedRequestFrame(sip, {
    ...udp('127.0.0.1', 5060, at(14, 3, 40, 0)),
    dialogId: 'c1@127.0.0.1;from-tag=a1',
  });
  const { length, token } = asSrfSees(encodeFrame(sipFrame(ID(7), frame)));
  t.equal(length, 434);
  t.equal(
    token.join('|'),
    `${ID(7)}|sip|application|303|udp|127.0.0.1|5060|14:03:40.000000|unsolicited|c1@127.0.0.1;from-tag=a1|`,
  );
  t.same([token[2], token[8]], ['application', 'unsolicited']);
  t.end();
});

t.test('§2.6 request echo `…|txnId|Msg sent:|` (BYE 473 bytes) and srf token reads', (t) => {
  const sip = sipOf('BYE sip:alice@127.0.0.1:5072 SIP/2.0', 287);
  const reply = requestEchoReply(sip, {
    ...udp('127.0.0.1', 5060, at(14, 5, 0, 100)),
    txnId: '5a5a5a5a-bbbb-4ccc-8ddd-000000000003',
  });
  const rid = 'd3d3d3d3-4444-4555-8666-777788889999';
  const { length, token, raw } = asSrfSees(
    encodeFrame(responseFrame(ID(7), rid, reply.status, reply.tokens, reply.sip)),
  );
  t.equal(length, 473);
  t.equal(
    token.join('|'),
    `${ID(7)}|response|${rid}|OK|application|287|udp|127.0.0.1|5060|14:05:00.100000|5a5a5a5a-bbbb-4ccc-8ddd-000000000003|Msg sent:|`,
  );
  t.equal(raw, sip);
  // srf _makeRequest: token.slice(3) → [0] OK, [1] source, [3] protocol, [4] address, [5] port, [6] time, [7] txn id
  const s = token.slice(3);
  t.same(
    [s[0], s[1], s[3], s[4], s[5], s[6], s[7]],
    [
      'OK',
      'application',
      'udp',
      '127.0.0.1',
      '5060',
      '14:05:00.100000',
      '5a5a5a5a-bbbb-4ccc-8ddd-000000000003',
    ],
  );
  t.equal(token[11], 'Msg sent:', 'meta index 11 is literally Msg sent:');
  t.not(token[12], 'continue');
  t.end();
});

t.test('§2.6 UAC INVITE echo: 505 bytes', (t) => {
  const sip = sipOf('INVITE sip:agent17@127.0.0.1:5080 SIP/2.0', 319);
  const reply = requestEchoReply(sip, {
    ...udp('127.0.0.1', 5060, at(14, 10, 0, 0)),
    txnId: '11111111-2222-4333-8444-555555555555',
  });
  const frame = encodeFrame(
    responseFrame(ID(8), 'e4e4e4e4-5555-4666-8777-88889999aaaa', 'OK', reply.tokens, reply.sip),
  );
  t.equal(asSrfSees(frame).length, 505);
  t.end();
});

t.test('§2.4(a) response echo `…|txnId|dialogId||Msg sent:|`: srf meta.dialogId is token 11', (t) => {
  const sip = sipOf('SIP/2.0 200 OK', 400);
  const reply = responseEchoReply(sip, {
    ...udp('127.0.0.1', 5072, at(14, 3, 7, 600)),
    txnId: 'f3e1d2c3-aaaa-4bbb-8ccc-000000000001',
    dialogId: 'c1@127.0.0.1;from-tag=a1',
  });
  const { token, raw } = asSrfSees(
    encodeFrame(responseFrame(ID(5), 'c2c2', reply.status, reply.tokens, reply.sip)),
  );
  t.equal(
    token.slice(3).join('|'),
    'OK|application|400|udp|127.0.0.1|5072|14:03:07.600000|f3e1d2c3-aaaa-4bbb-8ccc-000000000001|c1@127.0.0.1;from-tag=a1||Msg sent:|',
  );
  t.same(
    [token[4], token[6], token[7], token[8], token[10], token[11]],
    [
      'application',
      'udp',
      '127.0.0.1',
      '5072',
      'f3e1d2c3-aaaa-4bbb-8ccc-000000000001',
      'c1@127.0.0.1;from-tag=a1',
    ],
  );
  t.equal(raw, sip);
  t.end();
});

t.test('§2.6 proxy: `continue` frame (401 bytes) keeps srf rid, then `OK|done` (90 bytes)', (t) => {
  const sip = sipOf('SIP/2.0 486 Busy Here', 256);
  const rid = '2a2b2c2d-9999-4aaa-8bbb-ccccddddeeee';
  const cont = proxyContinueReply(sip, udp('127.0.0.1', 5082, at(14, 20, 0, 100)));
  const { length, token } = asSrfSees(
    encodeFrame(responseFrame(ID(9), rid, cont.status, cont.tokens, cont.sip)),
  );
  t.equal(length, 401);
  t.equal(
    token.join('|'),
    `${ID(9)}|response|${rid}|OK|network|256|udp|127.0.0.1|5082|14:20:00.100000|||continue`,
  );
  t.same([token[7], token[8], token[9], token[12]], ['127.0.0.1', '5082', '14:20:00.100000', 'continue']);
  const done = proxyDoneReply();
  const d = encodeFrame(responseFrame(ID(10), rid, done.status, done.tokens, done.sip));
  t.equal(d.toString(), `90#${ID(10)}|response|${rid}|OK|done`);
  t.equal(asSrfSees(d).token.slice(3)[1], 'done', 'srf proxy callback checks token[1] === done');
  t.end();
});

t.test('§2.4(c) CDR frame', (t) => {
  const p = cdrFrame(
    ID(11),
    'cdr:start',
    cdrTokens('application', at(14, 3, 7, 610), 'uas'),
    'SIP/2.0 200 OK\r\n\r\n',
  );
  t.equal(p, `${ID(11)}|cdr:start|application|14:03:07.610000|uas\r\nSIP/2.0 200 OK\r\n\r\n`);
  t.equal(
    cdrFrame('m', 'cdr:attempt', cdrTokens('network', at(1, 2, 3, 4)), 'X').split('\r\n')[0],
    'm|cdr:attempt|network|01:02:03.004000',
  );
  t.end();
});

t.test('time format HH:MM:SS.uuuuuu in UTC', (t) => {
  t.equal(formatStackTime(new Date(Date.UTC(2026, 5, 1, 0, 0, 0, 0))), '00:00:00.000000');
  t.equal(formatStackTime(new Date(Date.UTC(2026, 5, 1, 23, 59, 59, 999))), '23:59:59.999000');
  t.equal(formatStackTime(new Date('2026-06-01T12:34:56.007+02:00')), '10:34:56.007000');
  t.end();
});

t.test('§2.4(b) WS and WSS report tcp', (t) => {
  t.same(
    ['udp', 'tcp', 'tls', 'ws', 'wss'].map((p) => wireProtocol(p as 'udp')),
    ['udp', 'tcp', 'tls', 'tcp', 'tcp'],
  );
  t.end();
});

t.test('tokens holding | or CR/LF are refused; NOK reasons are cleaned', (t) => {
  t.throws(() => responseFrame('m', 'r', 'OK', ['a|b']), FrameFormatError);
  t.throws(
    () => sipFrame('m', { tokens: ['network', '1', 'udp', 'h', '1', 't', 'x\r\n', 'd'], sip: '' }),
    FrameFormatError,
  );
  t.throws(
    () => sipFrame('m', { tokens: ['network', '1'], sip: '' }),
    FrameFormatError,
    'srf would ignore so few tokens',
  );
  t.throws(() => cdrFrame('m', 'cdr:stop', ['a\nb'], ''), FrameFormatError);
  t.same(nokReply('invalid request-uri: sip:a|b\r\n'), {
    status: 'NOK',
    tokens: ['invalid request-uri: sip:a b  '],
  });
  t.end();
});
