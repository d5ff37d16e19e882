import t from 'tap';
import { SipMessage } from '../message/sip-message.js';
import type { RemoteTarget } from '../transport/types.js';
import { responseTarget } from './response-target.js';
import { inbound, source } from './test-fixtures.js';

function withVia(via: string, from: RemoteTarget = source()): RemoteTarget {
  const msg = SipMessage.request('OPTIONS', 'sip:x@example.com', [
    { name: 'Via', value: via },
    { name: 'Via', value: 'SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bK-lower' },
  ]);
  return responseTarget(inbound(msg, from));
}

t.test('UDP: received + rport value (RFC 3581 §4)', (t) => {
  t.same(withVia('SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-1;received=203.0.113.9;rport=40000'), {
    protocol: 'udp',
    address: '203.0.113.9',
    port: 40000,
  });
  t.end();
});

t.test('UDP: received without an rport value uses the sent-by port (§18.2.2)', (t) => {
  t.same(withVia('SIP/2.0/UDP 10.0.0.5:5080;branch=z9hG4bK-1;rport;received=203.0.113.9'), {
    protocol: 'udp',
    address: '203.0.113.9',
    port: 5080,
  });
  t.end();
});

t.test('UDP: no received: sent-by host and port, 5060 by default', (t) => {
  t.same(withVia('SIP/2.0/UDP host.example.com:5090;branch=z9hG4bK-1'), {
    protocol: 'udp',
    address: 'host.example.com',
    port: 5090,
  });
  t.same(withVia('SIP/2.0/UDP host.example.com;branch=z9hG4bK-1'), {
    protocol: 'udp',
    address: 'host.example.com',
    port: 5060,
  });
  t.end();
});

t.test('UDP: maddr wins over received/rport, with the sent-by port', (t) => {
  t.same(withVia('SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK-1;maddr=239.1.1.1;received=203.0.113.9;rport=4000'), {
    protocol: 'udp',
    address: '239.1.1.1',
    port: 5060,
  });
  t.end();
});

t.test('reliable transports: the same connection, fallback received + sent-by port', (t) => {
  const tcp = source('tcp', { address: '203.0.113.9', port: 51000, connectionId: 'c7' });
  t.same(withVia('SIP/2.0/TCP 10.0.0.5;branch=z9hG4bK-1;received=203.0.113.9;rport=51000', tcp), {
    protocol: 'tcp',
    address: '203.0.113.9',
    port: 5060,
    connectionId: 'c7',
  });
  const tls = source('tls', { address: '203.0.113.9', port: 51000, connectionId: 'c8' });
  t.same(withVia('SIP/2.0/TLS client.example.com;branch=z9hG4bK-1', tls), {
    protocol: 'tls',
    address: '203.0.113.9',
    port: 5061,
    connectionId: 'c8',
  });
  const wss = source('wss', { address: '203.0.113.9', port: 51000, connectionId: 'c9' });
  t.same(withVia('SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK-1;received=203.0.113.9', wss), {
    protocol: 'wss',
    address: '203.0.113.9',
    port: 5061,
    connectionId: 'c9',
  });
  t.end();
});

t.test('IPv6: brackets around received are dropped', (t) => {
  const v6 = source('udp', { address: '2001:db8::9', port: 5070 });
  t.same(withVia('SIP/2.0/UDP [2001:db8::5]:5070;branch=z9hG4bK-1;received=[2001:db8::9];rport=5071', v6), {
    protocol: 'udp',
    address: '2001:db8::9',
    port: 5071,
  });
  t.same(withVia('SIP/2.0/UDP [2001:db8::5]:5070;branch=z9hG4bK-1', v6), {
    protocol: 'udp',
    address: '2001:db8::5',
    port: 5070,
  });
  t.end();
});

t.test('no usable Via: back to the source', (t) => {
  const msg = SipMessage.request('OPTIONS', 'sip:x@example.com', []);
  t.same(responseTarget(inbound(msg)), source());
  t.end();
});
