import t from 'tap';
import { isLocalAddress, selectEndpoint } from './endpoint-selection.js';
import type { LocalEndpoint } from './types.js';

const endpoints: LocalEndpoint[] = [
  { protocol: 'udp', address: '0.0.0.0', port: 5060, externalAddress: '203.0.113.5' },
  { protocol: 'udp', address: '127.0.0.1', port: 5062 },
  { protocol: 'udp', address: '::1', port: 5064 },
  { protocol: 'tcp', address: '127.0.0.1', port: 5060 },
  { protocol: 'tls', address: '127.0.0.1', port: 5061 },
];

t.test('selectEndpoint: protocol and family must match; the target own address wins', (t) => {
  t.equal(selectEndpoint(endpoints, { protocol: 'udp', address: '198.51.100.1' })?.port, 5060);
  t.equal(selectEndpoint(endpoints, { protocol: 'udp', address: '127.0.0.1' })?.port, 5062);
  t.equal(selectEndpoint(endpoints, { protocol: 'udp', address: '::1' })?.port, 5064);
  t.equal(selectEndpoint(endpoints, { protocol: 'udp', address: '[2001:db8::1]' })?.port, 5064);
  t.equal(selectEndpoint(endpoints, { protocol: 'tcp', address: '::1' }), undefined, 'no IPv6 TCP endpoint');
  t.equal(selectEndpoint(endpoints, { protocol: 'ws', address: '127.0.0.1' }), undefined);
  t.equal(selectEndpoint(endpoints, { protocol: 'tls', address: 'example.com' })?.port, 5061);
  const dual: LocalEndpoint[] = [
    { protocol: 'udp', address: '127.0.0.1', port: 5060 },
    { protocol: 'udp', address: '::', port: 5062 },
    { protocol: 'udp', address: '192.0.2.10', port: 5064 },
  ];
  t.equal(
    selectEndpoint(dual, { protocol: 'udp', address: '198.51.100.1' })?.port,
    5064,
    'routable beats loopback',
  );
  t.equal(
    selectEndpoint(dual.slice(0, 2), { protocol: 'udp', address: '198.51.100.1' })?.port,
    5062,
    'dual-stack :: beats loopback',
  );
  t.equal(selectEndpoint(dual, { protocol: 'udp', address: '127.0.0.5' })?.port, 5060);
  t.end();
});

t.test('isLocal: bound addresses, wildcard loopback names, external address, default ports', (t) => {
  const now = 0;
  t.ok(isLocalAddress(endpoints, '127.0.0.1', 5062, now));
  t.ok(isLocalAddress(endpoints, 'localhost', 5060, now), 'wildcard bind on 5060');
  t.ok(isLocalAddress(endpoints, '127.0.0.1', undefined, now), 'no port = 5060');
  t.ok(isLocalAddress(endpoints, '203.0.113.5', 5060, now), 'external address');
  t.ok(isLocalAddress(endpoints, '[::1]', 5064, now));
  t.notOk(isLocalAddress(endpoints, '127.0.0.1', 5999, now));
  t.notOk(isLocalAddress(endpoints, '198.51.100.1', 5060, now));
  t.notOk(isLocalAddress(endpoints, '::1', 5062, now), '5062 is only bound on 127.0.0.1');
  t.end();
});
