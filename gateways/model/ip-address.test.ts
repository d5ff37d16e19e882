import { isIP } from 'node:net';
import fc from 'fast-check';
import t from 'tap';
import { formatPrefix, parseCidr, parseIp } from './ip-address.js';

const hex = (bytes: Uint8Array | undefined): string => (bytes ? Buffer.from(bytes).toString('hex') : 'none');

t.test('IPv4 and IPv6 addresses', (t) => {
  t.equal(hex(parseIp('192.0.2.1')?.bytes), 'c0000201');
  t.equal(parseIp('192.0.2.1')?.family, 4);
  t.equal(hex(parseIp('2001:db8::1')?.bytes), '20010db8000000000000000000000001');
  t.equal(hex(parseIp('[2001:db8::1]')?.bytes), '20010db8000000000000000000000001', 'brackets');
  t.equal(hex(parseIp('fe80::1%eth0')?.bytes), 'fe800000000000000000000000000001', 'zone dropped');
  t.equal(hex(parseIp('::')?.bytes), '0'.repeat(32));
  t.equal(hex(parseIp('1::')?.bytes), '0001' + '0'.repeat(28));
  t.equal(hex(parseIp('64:ff9b::192.0.2.33')?.bytes), '0064ff9b0000000000000000c0000221', 'embedded IPv4');
  const mapped = parseIp('::ffff:198.51.100.7');
  t.equal(mapped?.family, 4, 'IPv4-mapped is read as IPv4 (RFC 4291 §2.5.5.2)');
  t.equal(hex(mapped?.bytes), 'c6336407');
  t.end();
});

t.test('not addresses', (t) => {
  for (const bad of [
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3.-4',
    'gw.example.com',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    ':1:2:3:4:5:6:7',
    '12345::',
    '::1.2.3',
    '1.2.3.4::',
  ]) {
    t.equal(parseIp(bad), undefined, JSON.stringify(bad));
  }
  t.end();
});

t.test('CIDR prefixes', (t) => {
  t.same(parseCidr('10.0.0.0/8'), { family: 4, bytes: Uint8Array.from([10, 0, 0, 0]), length: 8 });
  t.equal((parseCidr('192.0.2.7') as { length: number }).length, 32, 'a bare address is a /32');
  t.equal((parseCidr('2001:db8::1') as { length: number }).length, 128);
  t.equal(formatPrefix(parseCidr('2001:db8::/32') as never), '2001:db8:0:0:0:0:0:0/32');
  const mapped = parseCidr('::ffff:10.0.0.0/104');
  t.equal(typeof mapped !== 'string' && mapped.family === 4 && mapped.length, 8, 'mapped /104 = IPv4 /8');
  t.equal(parseCidr('10.0.0.1/8'), 'host-bits-set');
  t.equal(parseCidr('10.0.0.0/33'), 'bad-length');
  t.equal(parseCidr('2001:db8::/129'), 'bad-length');
  t.equal(parseCidr('10.0.0.0/x'), 'bad-length');
  t.equal(parseCidr('nope/8'), 'not-an-address');
  t.equal(parseCidr('::ffff:10.0.0.0/64'), 'bad-length', 'a mapped prefix shorter than /96 is not IPv4');
  t.end();
});

function fullForm(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/** Compresses the longest run of zero groups (RFC 5952 §4.2.3 style). */
function compressed(bytes: Uint8Array): string {
  const groups = fullForm(bytes).split(':');
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len) best = { start: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.len < 2) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.len).join(':')}`;
}

const v4Part = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 255 }).map(String), weight: 12 },
  { arbitrary: fc.constantFrom('256', '01', '', '00', 'a'), weight: 1 },
);
const v4Text = fc.array(v4Part, { minLength: 3, maxLength: 5 }).map((parts) => parts.join('.'));
const hexDigit = fc.constantFrom(...Array.from('0123456789abcdefABCDEF'));
const group = fc.oneof(
  { arbitrary: fc.string({ unit: hexDigit, minLength: 1, maxLength: 4 }), weight: 12 },
  { arbitrary: fc.string({ unit: hexDigit, minLength: 5, maxLength: 5 }), weight: 1 },
);
const v6Text = fc
  .record({ groups: fc.array(group, { maxLength: 8 }), gap: fc.option(fc.nat(8)), tail: fc.option(v4Text) })
  .map(({ groups, gap, tail }) => {
    const parts: string[] = [...groups];
    if (tail !== null) parts.push(tail);
    if (gap === null) return parts.join(':');
    const at = Math.min(gap, parts.length);
    return `${parts.slice(0, at).join(':')}::${parts.slice(at).join(':')}`;
  });
const nearAddress = fc.oneof(v4Text, v6Text);

t.test('property: IPv6 text forms parse back to the same bytes, and agree with node:net', (t) => {
  const notMapped = fc
    .uint8Array({ minLength: 16, maxLength: 16 })
    .filter((b) => !(b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff));
  fc.assert(
    fc.property(notMapped, (bytes) => {
      for (const text of [fullForm(bytes), compressed(bytes)]) {
        const ip = parseIp(text);
        if (ip?.family !== 6 || hex(ip.bytes) !== hex(bytes) || isIP(text) !== 6) return false;
      }
      return true;
    }),
    { numRuns: 500 },
  );
  fc.assert(
    // Near-addresses (valid and broken): node accepts exactly what we accept.
    fc.property(nearAddress, (text) => (parseIp(text) !== undefined) === (isIP(text) !== 0)),
    { numRuns: 5000 },
  );
  t.pass('round trips and agreement held');
  t.end();
});
