/** Identifiers: pooled random hex (tags, branches) and the cached endpoint strings. */
import t from 'tap';
import type { LocalEndpoint } from '../transport/types.js';
import { makeDialogId, newLocalTag, randomHex } from './ids.js';
import { contactFor, endpointHostport, newBranch, viaFor } from './targets.js';

t.test('randomHex: right length, hex only, no repeats across pool refills', (t) => {
  const seen = new Set<string>();
  // 3,000 × 6 bytes crosses the 4,096-byte pool several times.
  for (let i = 0; i < 3000; i++) seen.add(newLocalTag());
  t.equal(seen.size, 3000, 'every tag distinct');
  t.ok(
    [...seen].every((s) => /^[0-9a-f]{12}$/.test(s)),
    '48 bits as 12 hex digits (RFC 3261 §19.3)',
  );
  t.match(randomHex(4096), /^[0-9a-f]{8192}$/);
  t.throws(() => randomHex(4097), RangeError);
  t.match(newBranch(), /^z9hG4bK[0-9a-f]{20}$/, 'RFC 3261 §8.1.1.7 magic cookie');
  t.equal(makeDialogId('c1', 'ft'), 'c1;from-tag=ft');
  t.end();
});

t.test('endpoint strings are formatted once per endpoint and follow changes', (t) => {
  const ep: LocalEndpoint = { protocol: 'tcp', address: '::1', port: 5070 };
  t.equal(endpointHostport(ep), '[::1]:5070');
  t.equal(contactFor(ep), '<sip:[::1]:5070;transport=tcp>');
  t.equal(viaFor(ep, 'z9hG4bKx'), 'SIP/2.0/TCP [::1]:5070;rport;branch=z9hG4bKx');
  t.equal(viaFor(ep, 'z9hG4bKy'), 'SIP/2.0/TCP [::1]:5070;rport;branch=z9hG4bKy');
  ep.externalAddress = '203.0.113.9';
  t.equal(contactFor(ep), '<sip:203.0.113.9:5070;transport=tcp>', 'external address seen');
  const udp: LocalEndpoint = { protocol: 'udp', address: '0.0.0.0', port: 5060 };
  t.equal(contactFor(udp), '<sip:127.0.0.1:5060>', 'wildcard advertised as loopback, no transport param');
  t.end();
});
