import t from 'tap';
import { thrownCode } from '../../test-support/thrown.js';
import { decodeUriPart, formatHost, formatUri, parseUri, uriHostPort } from './uri.js';

t.test('sip URI with user, password, port, params and headers', (t) => {
  const u = parseUri(
    'sip:alice:secret@atlanta.com:5061;transport=TCP;lr;maddr=239.255.255.1?subject=project&priority=urgent',
  );
  t.equal(u.scheme, 'sip');
  t.equal(u.user, 'alice');
  t.equal(u.password, 'secret');
  t.equal(u.host, 'atlanta.com');
  t.equal(u.port, 5061);
  t.same(
    [...u.params],
    [
      ['transport', 'TCP'],
      ['lr', null],
      ['maddr', '239.255.255.1'],
    ],
  );
  t.same(
    [...u.headers],
    [
      ['subject', 'project'],
      ['priority', 'urgent'],
    ],
  );
  t.end();
});

t.test('scheme and param names are case-insensitive (RFC 3261 §19.1.4)', (t) => {
  const u = parseUri('SIPS:Bob@Biloxi.COM;Transport=tls');
  t.equal(u.scheme, 'sips');
  t.equal(u.user, 'Bob');
  t.equal(u.host, 'Biloxi.COM');
  t.equal(u.params.get('transport'), 'tls');
  t.end();
});

t.test('IPv4, IPv6 references and no user', (t) => {
  t.equal(parseUri('sip:127.0.0.1').host, '127.0.0.1');
  const v6 = parseUri('sip:[2001:db8::10]:5070;lr');
  t.equal(v6.host, '2001:db8::10');
  t.equal(v6.port, 5070);
  t.equal(v6.user, undefined);
  t.equal(formatUri(v6), 'sip:[2001:db8::10]:5070;lr');
  t.equal(uriHostPort(v6), '[2001:db8::10]:5070');
  t.equal(uriHostPort(parseUri('sip:[::1]')), '[::1]');
  t.equal(uriHostPort(parseUri('sip:a@example.com')), 'example.com');
  t.equal(formatHost('::1'), '[::1]');
  t.equal(formatHost('example.com'), 'example.com');
  t.end();
});

t.test('user may hold ";" and "?" and escapes (RFC 3261 §19.1.2)', (t) => {
  const u = parseUri('sip:alice;day=tuesday@atlanta.com');
  t.equal(u.user, 'alice;day=tuesday');
  t.equal(u.params.size, 0);
  const e = parseUri('sip:sip%3Auser%40example.com@example.net');
  t.equal(e.user, 'sip%3Auser%40example.com');
  t.equal(decodeUriPart(e.user ?? ''), 'sip:user@example.com');
  t.equal(formatUri(e), 'sip:sip%3Auser%40example.com@example.net');
  t.equal(decodeUriPart('%E5%B1%B1%zz'), '山%zz');
  t.end();
});

t.test('formatUri escapes what may not appear unescaped', (t) => {
  t.equal(
    formatUri({ scheme: 'sip', user: 'a b', host: 'h', params: new Map(), headers: new Map() }),
    'sip:a%20b@h',
  );
  t.equal(
    formatUri({ scheme: 'sip', user: '山', host: 'h', params: new Map(), headers: new Map() }),
    'sip:%E5%B1%B1@h',
  );
  t.equal(
    formatUri({ scheme: 'sip', user: '50%', host: 'h', params: new Map(), headers: new Map() }),
    'sip:50%25@h',
  );
  t.equal(
    formatUri({
      scheme: 'sip',
      user: 'u',
      password: 'p@ss',
      host: 'h',
      port: 5,
      params: new Map(),
      headers: new Map(),
    }),
    'sip:u:p%40ss@h:5',
  );
  t.end();
});

t.test('tel URIs (RFC 3966)', (t) => {
  const u = parseUri('tel:+1-201-555-0123;phone-context=example.com;ext=12');
  t.equal(u.scheme, 'tel');
  t.equal(u.user, '+1-201-555-0123');
  t.equal(u.host, '');
  t.equal(u.params.get('phone-context'), 'example.com');
  t.equal(formatUri(u), 'tel:+1-201-555-0123;phone-context=example.com;ext=12');
  t.end();
});

t.test('round trips', (t) => {
  for (const s of [
    'sip:alice@atlanta.com',
    'sips:bob:pw@[::1]:5061;transport=tls;lr',
    'sip:+4930555@gw.example.net;user=phone',
    'sip:carol@chicago.com?Subject=next%20meeting&Call-ID=1',
    'sip:host.example.com;ob',
    'tel:911',
  ]) {
    t.equal(formatUri(parseUri(s)), s, s);
  }
  t.end();
});

t.test('bad URIs throw SipParseError bad-uri', (t) => {
  for (const s of [
    '',
    'alice@atlanta.com',
    'http://x',
    'sip:',
    'sip:@host',
    'sip:alice@',
    'sip:a b@host',
    'sip:alice@host:99999',
    'sip:alice@host:port',
    'sip:[::1',
    'sip:[]',
    'sip:host;=x',
    'sip:host junk',
    'sip:host>',
    'sip:山@host',
    'sip:%@host',
    'sip:a%4@host',
    'sip:a:%zz@host',
    'tel:',
    'tel:12 34',
  ]) {
    t.equal(
      thrownCode(() => parseUri(s)),
      'SipParseError:bad-uri',
      JSON.stringify(s),
    );
  }
  t.end();
});
