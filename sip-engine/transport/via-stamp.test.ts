import t from 'tap';
import { SipMessage } from '../message/sip-message.js';
import { stampReceived } from './via-stamp.js';

t.test('adds received and rport to the top Via even without ;rport (RFC 3581 §4, drachtio)', (t) => {
  const m = SipMessage.request('OPTIONS', 'sip:a@b', [
    { name: 'Via', value: 'SIP/2.0/UDP host.example:5070;branch=z9hG4bK1' },
    { name: 'Via', value: 'SIP/2.0/UDP other:5080;branch=z9hG4bK0' },
  ]);
  t.equal(stampReceived(m, '192.0.2.1', 40000), undefined);
  t.equal(
    m.headers[0]?.value,
    'SIP/2.0/UDP host.example:5070;branch=z9hG4bK1;received=192.0.2.1;rport=40000',
  );
  t.equal(m.headers[1]?.value, 'SIP/2.0/UDP other:5080;branch=z9hG4bK0', 'only the top Via');
  t.end();
});

t.test('fills an empty rport, overwrites stale values, keeps other vias on the same line', (t) => {
  const m = SipMessage.request('OPTIONS', 'sip:a@b', [
    {
      name: 'v',
      value: 'SIP/2.0/TCP [::1]:5070;rport;received=1.1.1.1;branch=z9hG4bK2, SIP/2.0/UDP x;branch=z9hG4bK3',
    },
  ]);
  t.equal(stampReceived(m, '::1', 5999), undefined);
  t.equal(m.headers[0]?.name, 'v');
  t.equal(
    m.headers[0]?.value,
    'SIP/2.0/TCP [::1]:5070;rport=5999;received=::1;branch=z9hG4bK2, SIP/2.0/UDP x;branch=z9hG4bK3',
  );
  t.end();
});

t.test('no or bad Via: a reason, message untouched', (t) => {
  const none = SipMessage.request('OPTIONS', 'sip:a@b', []);
  t.match(stampReceived(none, '1.2.3.4', 1), /no Via/);
  const bad = SipMessage.request('OPTIONS', 'sip:a@b', [{ name: 'Via', value: 'garbage' }]);
  t.type(stampReceived(bad, '1.2.3.4', 1), 'string');
  t.equal(bad.headers[0]?.value, 'garbage');
  t.end();
});
