import t from 'tap';
import { parseMessage } from '../message/parser.js';
import {
  InvalidHostIndex,
  isInvalidHost,
  MAX_HOSTS_PER_CONNECTION,
  sameStreamTransport,
  topViaHost,
} from './invalid-hosts.js';

t.test('isInvalidHost: only the .invalid TLD (RFC 6761 §6.4)', (t) => {
  t.ok(isInvalidHost('df7jal23ls0d.invalid'));
  t.ok(isInvalidHost('DF7JAL23LS0D.INVALID'));
  t.ok(isInvalidHost('x.invalid.'));
  t.notOk(isInvalidHost('invalid'));
  t.notOk(isInvalidHost('example.invalid.com'));
  t.notOk(isInvalidHost('127.0.0.1'));
  t.notOk(isInvalidHost('notinvalid'));
  t.end();
});

t.test('topViaHost reads the sent-by host of the first Via', (t) => {
  const m = parseMessage(
    Buffer.from(
      [
        'OPTIONS sip:a@127.0.0.1 SIP/2.0',
        'Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK1, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK0',
        'Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKx',
        'From: <sip:b@x>;tag=1',
        'To: <sip:a@x>',
        'Call-ID: c1',
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    ),
  );
  t.equal(topViaHost(m), 'df7jal23ls0d.invalid');
  t.end();
});

t.test('sameStreamTransport: WS and WSS are interchangeable, others exact', (t) => {
  t.ok(sameStreamTransport('ws', 'wss'));
  t.ok(sameStreamTransport('wss', 'ws'));
  t.ok(sameStreamTransport('tcp', 'tcp'));
  t.notOk(sameStreamTransport('ws', 'tcp'));
  t.notOk(sameStreamTransport('tls', 'tcp'));
  t.end();
});

t.test('index: remember, newest connection wins, forget on close', (t) => {
  const idx = new InvalidHostIndex();
  idx.remember('127.0.0.1', 'ws-1');
  idx.remember('example.com', 'ws-1');
  t.equal(idx.size, 0, 'resolvable hosts are not remembered');
  idx.remember('abc.invalid', 'ws-1');
  t.equal(idx.connectionFor('ABC.invalid'), 'ws-1', 'case-insensitive');
  idx.remember('abc.invalid', 'ws-2');
  t.equal(idx.connectionFor('abc.invalid'), 'ws-2', 'the connection seen last wins');
  idx.forget('ws-1');
  t.equal(idx.connectionFor('abc.invalid'), 'ws-2', 'closing the older connection keeps the newer binding');
  idx.forget('ws-2');
  t.equal(idx.connectionFor('abc.invalid'), undefined, 'forgotten once its connection closed');
  t.equal(idx.size, 0);
  t.end();
});

t.test('index: bounded number of hosts per connection, oldest dropped', (t) => {
  const idx = new InvalidHostIndex();
  for (let i = 0; i < MAX_HOSTS_PER_CONNECTION + 3; i++) idx.remember(`h${i}.invalid`, 'ws-1');
  t.equal(idx.size, MAX_HOSTS_PER_CONNECTION);
  t.equal(idx.connectionFor('h0.invalid'), undefined, 'oldest dropped');
  t.equal(idx.connectionFor(`h${MAX_HOSTS_PER_CONNECTION + 2}.invalid`), 'ws-1');
  idx.remember(`h${MAX_HOSTS_PER_CONNECTION + 2}.invalid`, 'ws-1');
  t.equal(idx.size, MAX_HOSTS_PER_CONNECTION, 'seeing a host again adds nothing');
  idx.forget('ws-1');
  t.equal(idx.size, 0);
  t.end();
});
