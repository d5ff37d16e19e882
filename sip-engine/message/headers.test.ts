import t from 'tap';
import { thrownCode } from '../../test-support/thrown.js';
import {
  formatNameAddr,
  formatParams,
  formatVia,
  getTag,
  parseCSeq,
  parseEvent,
  parseNameAddr,
  parseParams,
  parseRAck,
  parseRSeq,
  parseSessionExpires,
  parseSubscriptionState,
  parseVia,
  splitHeaderList,
} from './headers.js';

const BAD = 'SipParseError:bad-header';

t.test('splitHeaderList respects quotes and <>', (t) => {
  t.same(splitHeaderList('INVITE, ACK ,BYE'), ['INVITE', 'ACK', 'BYE']);
  t.same(splitHeaderList('"Doe, John" <sip:j@x>;q=0.5, <sip:a@b;x=1,2>'), [
    '"Doe, John" <sip:j@x>;q=0.5',
    '<sip:a@b;x=1,2>',
  ]);
  t.same(splitHeaderList('"a \\" , b" <sip:x@y>'), ['"a \\" , b" <sip:x@y>']);
  t.same(splitHeaderList(' , ,a,'), ['a']);
  t.same(splitHeaderList(''), []);
  t.end();
});

t.test('parseParams keeps raw values, lower-cases keys, null for flags', (t) => {
  const p = parseParams(' ;Tag=AbC ; lr ;q = 0.7;+sip.instance="<urn:uuid:1;2>";received=::1;empty=');
  t.same(
    [...p],
    [
      ['tag', 'AbC'],
      ['lr', null],
      ['q', '0.7'],
      ['+sip.instance', '"<urn:uuid:1;2>"'],
      ['received', '::1'],
      ['empty', ''],
    ],
  );
  t.equal(formatParams(p), ';tag=AbC;lr;q=0.7;+sip.instance="<urn:uuid:1;2>";received=::1;empty=');
  t.same(
    [...parseParams(';a;;b;')],
    [
      ['a', null],
      ['b', null],
    ],
  );
  for (const s of ['x', ';a=b c', ';=v', ';a="unterminated', ';a@b'])
    t.equal(
      thrownCode(() => parseParams(s)),
      BAD,
      s,
    );
  t.end();
});

t.test('name-addr with quoted, token and UTF-8 display names (RFC 3261 §20.10)', (t) => {
  const a = parseNameAddr('"Alice \\"A\\" Smith" <sip:alice@atlanta.com;transport=tcp>;tag=1928301774;x');
  t.equal(a.displayName, 'Alice "A" Smith');
  t.equal(a.uri, 'sip:alice@atlanta.com;transport=tcp');
  t.same(
    [...a.params],
    [
      ['tag', '1928301774'],
      ['x', null],
    ],
  );
  const b = parseNameAddr('Bob Jones <sips:bob@biloxi.com>');
  t.equal(b.displayName, 'Bob Jones');
  const c = parseNameAddr('"山田 太郎" <sip:yamada@example.jp>;tag=z');
  t.equal(c.displayName, '山田 太郎');
  t.equal(parseNameAddr('山田 <sip:y@example.jp>').displayName, '山田');
  const d = parseNameAddr('<sip:carol@chicago.com>');
  t.equal(d.displayName, undefined);
  t.equal(d.params.size, 0);
  t.equal(parseNameAddr('*').uri, '*');
  t.end();
});

t.test('bare addr-spec: parameters belong to the header (RFC 3261 §20.10)', (t) => {
  const a = parseNameAddr('sip:alice@atlanta.com;tag=88sja8x');
  t.equal(a.uri, 'sip:alice@atlanta.com');
  t.equal(a.params.get('tag'), '88sja8x');
  t.equal(getTag('sip:alice@atlanta.com;tag=88sja8x'), '88sja8x');
  t.equal(getTag('<sip:alice@atlanta.com;tag=inside>'), undefined, 'a URI parameter is not the header tag');
  t.equal(getTag('<sip:a@b>;tag=outside'), 'outside');
  t.equal(getTag('<<<'), undefined);
  t.end();
});

t.test('formatNameAddr round trips', (t) => {
  for (const s of [
    '"Alice" <sip:alice@atlanta.com>;tag=1',
    '"山田 \\"Y\\"" <sip:y@example.jp;user=phone>;tag=z;lr',
    '<sip:carol@[::1]:5060>',
  ]) {
    const na = parseNameAddr(s);
    t.equal(formatNameAddr(na), s);
    t.same(parseNameAddr(formatNameAddr(na)), na);
  }
  t.equal(formatNameAddr(parseNameAddr('sip:a@b;tag=1')), '<sip:a@b>;tag=1');
  t.end();
});

t.test('bad name-addr', (t) => {
  for (const s of [
    '',
    '"unterminated <sip:a@b>',
    '"x" sip:a@b',
    '<sip:a@b',
    '<>',
    '<sip:a b@c>',
    '<sip:a@b> junk',
    'a:b <sip:x@y>',
    'nouri',
  ]) {
    t.equal(
      thrownCode(() => parseNameAddr(s)),
      BAD,
      JSON.stringify(s),
    );
  }
  t.end();
});

t.test('Via: several values, IPv6, params with and without values (RFC 3261 §20.42, RFC 3581)', (t) => {
  const v = parseVia(
    'SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bK776;rport , sip / 2.0 / tcp [2001:db8::1]:5090;received=2001:db8::2;rport=5091',
  );
  t.equal(v.length, 2);
  t.same(v[0], {
    transport: 'UDP',
    host: '127.0.0.1',
    port: 5072,
    params: new Map([
      ['branch', 'z9hG4bK776'],
      ['rport', null],
    ]),
  });
  t.equal(v[1]?.transport, 'TCP');
  t.equal(v[1]?.host, '2001:db8::1');
  t.equal(v[1]?.port, 5090);
  t.equal(v[1]?.params.get('rport'), '5091');
  t.equal(v[1]?.params.get('received'), '2001:db8::2');
  const noPort = parseVia('SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKasudf');
  t.equal(noPort[0]?.port, undefined);
  t.equal(noPort[0]?.transport, 'WSS');
  t.equal(formatVia(v[1]!), 'SIP/2.0/TCP [2001:db8::1]:5090;received=2001:db8::2;rport=5091');
  t.equal(formatVia(noPort[0]!), 'SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKasudf');
  t.equal(parseVia('SIP/2.0/UDP host : 5060 ;branch=x')[0]?.port, 5060);
  for (const s of [
    '',
    'SIP/2.0/UDP',
    'SIP/2.0 127.0.0.1',
    'SIP/3.0/UDP h',
    'SIP/2.0/UDP h:70000',
    'SIP/2.0/UDP h:x',
    'SIP/2.0/UDP [::1',
    'SIP/2.0/UDP h junk',
    'SIP/2.0/UDPh',
  ]) {
    t.equal(
      thrownCode(() => parseVia(s)),
      BAD,
      JSON.stringify(s),
    );
  }
  t.end();
});

t.test('CSeq (RFC 3261 §20.16)', (t) => {
  t.same(parseCSeq('4711 INVITE'), { seq: 4711, method: 'INVITE' });
  t.same(parseCSeq('  0\tACK '), { seq: 0, method: 'ACK' });
  t.same(parseCSeq('4294967295 BYE'), { seq: 4294967295, method: 'BYE' });
  for (const s of ['', 'INVITE', '1', '4294967296 BYE', '-1 BYE', '1 INVITE x', '1x INVITE', '1 IN/VITE']) {
    t.equal(
      thrownCode(() => parseCSeq(s)),
      'SipParseError:bad-cseq',
      JSON.stringify(s),
    );
  }
  t.end();
});

t.test('RSeq and RAck (RFC 3262 §7.1, §7.2)', (t) => {
  t.equal(parseRSeq(' 988789 '), 988789);
  t.same(parseRAck('776656 1 INVITE'), { rseq: 776656, seq: 1, method: 'INVITE' });
  for (const s of ['0', 'x', '4294967296', ''])
    t.equal(
      thrownCode(() => parseRSeq(s)),
      BAD,
      s,
    );
  for (const s of ['1 INVITE', '1 2', 'a 1 INVITE', '1 2 INVITE x'])
    t.equal(
      thrownCode(() => parseRAck(s)),
      BAD,
      s,
    );
  t.end();
});

t.test('Session-Expires (RFC 4028 §4)', (t) => {
  t.same(parseSessionExpires('1800;refresher=UAC'), {
    deltaSeconds: 1800,
    refresher: 'uac',
    params: new Map([['refresher', 'UAC']]),
  });
  const s = parseSessionExpires('90');
  t.equal(s.deltaSeconds, 90);
  t.equal(s.refresher, undefined);
  t.equal(parseSessionExpires('4000 ; x=y').params.get('x'), 'y');
  for (const v of ['', 'abc', '1800;refresher=proxy', '1800;refresher', '1800 x']) {
    t.equal(
      thrownCode(() => parseSessionExpires(v)),
      BAD,
      v,
    );
  }
  t.end();
});

t.test('Subscription-State (RFC 6665 §8.2.3)', (t) => {
  t.same(parseSubscriptionState('active;expires=3600'), {
    state: 'active',
    expires: 3600,
    params: new Map([['expires', '3600']]),
  });
  const term = parseSubscriptionState('Terminated;reason=Timeout;retry-after=30');
  t.equal(term.state, 'terminated');
  t.equal(term.reason, 'timeout');
  t.equal(term.retryAfter, 30);
  t.equal(term.expires, undefined);
  t.equal(parseSubscriptionState('pending').state, 'pending');
  for (const v of ['', 'active;expires=soon', 'a b', 'active;retry-after']) {
    t.equal(
      thrownCode(() => parseSubscriptionState(v)),
      BAD,
      v,
    );
  }
  t.end();
});

t.test('Event (RFC 6665 §8.2.1)', (t) => {
  t.same(parseEvent('presence'), {
    eventType: 'presence',
    package: 'presence',
    templates: [],
    params: new Map(),
  });
  const e = parseEvent('presence.winfo;id=42;x');
  t.equal(e.package, 'presence');
  t.same(e.templates, ['winfo']);
  t.equal(e.id, '42');
  t.equal(e.params.get('x'), null);
  t.equal(parseEvent('refer;id=93809824').id, '93809824');
  for (const v of ['', 'a..b', '.a', 'pres ence', 'dialog;id="x'])
    t.equal(
      thrownCode(() => parseEvent(v)),
      BAD,
      v,
    );
  t.end();
});
