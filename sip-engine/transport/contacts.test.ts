import t from 'tap';
import { parseContacts } from './contacts.js';
import { ContactParseError } from './errors.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return e instanceof ContactParseError ? e.code : String(e);
  }
}

t.test('one contact with several transports on one port', (t) => {
  t.same(parseContacts('sip:127.0.0.1:5060;transport=udp,tcp,ws'), [
    { protocol: 'udp', address: '127.0.0.1', port: 5060 },
    { protocol: 'tcp', address: '127.0.0.1', port: 5060 },
    { protocol: 'ws', address: '127.0.0.1', port: 5060 },
  ]);
  t.end();
});

t.test('IPv6 literal, sips default TLS, wildcard, defaults', (t) => {
  t.same(parseContacts('sip:[::1]:5070;transport=udp'), [{ protocol: 'udp', address: '::1', port: 5070 }]);
  t.same(parseContacts('sips:10.0.0.1;transport=tls'), [
    { protocol: 'tls', address: '10.0.0.1', port: 5061 },
  ]);
  t.same(parseContacts('sips:10.0.0.1'), [{ protocol: 'tls', address: '10.0.0.1', port: 5061 }]);
  t.same(parseContacts('sip:*:5080'), [
    { protocol: 'udp', address: '0.0.0.0', port: 5080 },
    { protocol: 'tcp', address: '0.0.0.0', port: 5080 },
  ]);
  t.same(parseContacts('sip:*'), [
    { protocol: 'udp', address: '0.0.0.0', port: 5060 },
    { protocol: 'tcp', address: '0.0.0.0', port: 5060 },
  ]);
  t.same(parseContacts('sip:1.2.3.4:8443;transport=WSS'), [
    { protocol: 'wss', address: '1.2.3.4', port: 8443 },
  ]);
  t.same(parseContacts('sip:1.2.3.4;transport=wss'), [{ protocol: 'wss', address: '1.2.3.4', port: 5061 }]);
  t.end();
});

t.test('port 0 and external ip', (t) => {
  t.same(parseContacts('sip:127.0.0.1:0;transport=tcp,ws,udp', '203.0.113.7'), [
    { protocol: 'tcp', address: '127.0.0.1', port: 0, externalAddress: '203.0.113.7' },
    { protocol: 'ws', address: '127.0.0.1', port: 0, externalAddress: '203.0.113.7' },
    { protocol: 'udp', address: '127.0.0.1', port: 0, externalAddress: '203.0.113.7' },
  ]);
  t.end();
});

t.test('rejected contacts', (t) => {
  t.equal(
    codeOf(() => parseContacts('sip:127.0.0.1;transport=ws')),
    'bad-contact',
    'ws needs a port',
  );
  t.equal(
    codeOf(() => parseContacts('sip:example.com:5060')),
    'bad-contact',
    'host names are not bindable',
  );
  t.equal(
    codeOf(() => parseContacts('sip:127.0.0.1:5060;transport=sctp')),
    'bad-contact',
  );
  t.equal(
    codeOf(() => parseContacts('sip:127.0.0.1:70000')),
    'bad-contact',
  );
  t.equal(
    codeOf(() => parseContacts('http://127.0.0.1')),
    'bad-contact',
  );
  t.equal(
    codeOf(() => parseContacts('sips:127.0.0.1;transport=udp')),
    'bad-contact',
  );
  t.equal(
    codeOf(() => parseContacts('sip:127.0.0.1:5060;transport=tcp,tls')),
    'bad-contact',
    'plain+TLS on one port',
  );
  t.equal(
    codeOf(() => parseContacts('sip:127.0.0.1', 'not-an-ip')),
    'bad-contact',
  );
  t.equal(
    codeOf(() => parseContacts('sip:::1:5060')),
    'bad-contact',
    'IPv6 needs brackets',
  );
  t.end();
});
