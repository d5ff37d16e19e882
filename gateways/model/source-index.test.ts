import { BlockList } from 'node:net';
import fc from 'fast-check';
import t from 'tap';
import { buildSourceIndex } from './source-index.js';

interface G {
  id: string;
  sources: string[];
}

const gw = (id: string, ...sources: string[]): G => ({ id, sources });
const idOf = (m: ReturnType<ReturnType<typeof buildSourceIndex<G>>['index']['identify']>): string =>
  'gateway' in m ? m.gateway.id : 'unknown';

t.test('longest prefix wins, IPv4 and IPv6, unknown is a value', (t) => {
  const { index, issues } = buildSourceIndex([
    gw('carrier', '198.51.100.0/24', '2001:db8::/32'),
    gw('carrier-sbc', '198.51.100.17', '2001:db8:5::/48'),
    gw('pbx', '10.0.0.0/8'),
    gw('lab', '10.20.0.0/16'),
  ]);
  t.same(issues, []);
  t.equal(index.size, 6);
  t.equal(idOf(index.identify('198.51.100.5')), 'carrier');
  t.equal(idOf(index.identify('198.51.100.17')), 'carrier-sbc', '/32 beats /24');
  t.equal(idOf(index.identify('10.20.3.4')), 'lab', '/16 beats /8');
  t.equal(idOf(index.identify('10.21.3.4')), 'pbx');
  t.equal(idOf(index.identify('2001:db8:5::9')), 'carrier-sbc', '/48 beats /32');
  t.equal(idOf(index.identify('2001:db8:6::9')), 'carrier');
  t.equal(idOf(index.identify('::ffff:10.20.0.1')), 'lab', 'IPv4-mapped source');
  t.same(index.identify('203.0.113.9'), { unknown: true });
  t.same(index.identify('2001:db9::1'), { unknown: true });
  t.same(index.identify('not-an-ip'), { unknown: true });
  const m = index.identify('198.51.100.17');
  t.equal('prefix' in m && m.prefix, '198.51.100.17/32', 'the matching prefix is reported');
  t.end();
});

t.test('a default route catches everything of its family only', (t) => {
  const { index } = buildSourceIndex([gw('any4', '0.0.0.0/0'), gw('one', '192.0.2.1')]);
  t.equal(idOf(index.identify('192.0.2.1')), 'one');
  t.equal(idOf(index.identify('203.0.113.1')), 'any4');
  t.equal(idOf(index.identify('2001:db8::1')), 'unknown');
  t.end();
});

t.test('bad sources and prefixes claimed twice are reported, the first owner keeps it', (t) => {
  const a = gw('a', '192.0.2.0/24', '192.0.2.0/24');
  const b = gw('b', '192.0.2.0/24', 'gw.example.com', '10.0.0.1/8');
  const { index, issues } = buildSourceIndex([a, b]);
  t.same(
    issues.map((i) => [
      i.kind,
      i.gateway.id,
      i.source,
      i.kind === 'duplicate-prefix' ? i.ownedBy.id : i.problem,
    ]),
    [
      ['duplicate-prefix', 'b', '192.0.2.0/24', 'a'],
      ['bad-cidr', 'b', 'gw.example.com', 'not-an-address'],
      ['bad-cidr', 'b', '10.0.0.1/8', 'host-bits-set'],
    ],
    'a gateway repeating its own prefix is not a conflict',
  );
  t.equal(idOf(index.identify('192.0.2.9')), 'a');
  t.end();
});

/** A reference: linear scan with node's BlockList deciding containment, longest length wins. */
function oracle(gateways: readonly G[], address: string): string {
  let best: { id: string; len: number } | undefined;
  for (const g of gateways) {
    for (const s of g.sources) {
      const [net = '', lenText] = s.split('/');
      const family = net.includes(':') ? 'ipv6' : 'ipv4';
      const len = Number(lenText ?? (family === 'ipv4' ? 32 : 128));
      const list = new BlockList();
      list.addSubnet(net, len, family);
      const addrFamily = address.includes(':') ? 'ipv6' : 'ipv4';
      if (addrFamily === family && list.check(address, family) && (!best || len > best.len))
        best = { id: g.id, len };
    }
  }
  return best?.id ?? 'unknown';
}

const octet = fc.integer({ min: 0, max: 255 });
/** IPv4 addresses inside 10.0.0.0/16 so random prefixes overlap often. */
const v4 = fc.tuple(octet, octet).map(([c, d]) => `10.0.${c}.${d}`);
const v4Prefix = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 16, max: 32 }))
  .map(([c, len]) => {
    const value = ((10 << 24) | (c << 8)) >>> 0;
    const masked = len === 0 ? 0 : (value & (0xffffffff << (32 - len))) >>> 0;
    return `${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.${masked & 255}/${len}`;
  });
const v6Prefix = fc
  .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 32, max: 48 }))
  .map(([g, len]) => {
    const kept = len >= 48 ? g : g & (0xffff << (48 - len)) & 0xffff;
    return `2001:db8:${kept.toString(16)}::/${len}`;
  });
const v6 = fc.integer({ min: 0, max: 0xffff }).map((g) => `2001:db8:${g.toString(16)}::1`);

t.test('property: the trie agrees with a linear BlockList scan', (t) => {
  const gateways = fc
    .array(fc.array(fc.oneof(v4Prefix, v6Prefix), { minLength: 1, maxLength: 4 }), {
      minLength: 1,
      maxLength: 12,
    })
    .map((lists) => lists.map((sources, i) => gw(`g${i}`, ...sources)));
  fc.assert(
    fc.property(gateways, fc.array(fc.oneof(v4, v6), { minLength: 1, maxLength: 20 }), (gs, addresses) => {
      const { index } = buildSourceIndex(gs);
      return addresses.every((a) => idOf(index.identify(a)) === oracle(gs, a));
    }),
    { numRuns: 300 },
  );
  t.pass('300 random gateway sets, up to 20 lookups each');
  t.end();
});

t.test('many gateways: lookups stay a walk down the trie', (t) => {
  const many = Array.from({ length: 5000 }, (_, i) => gw(`g${i}`, `10.${(i >> 8) & 255}.${i & 255}.0/24`));
  const { index } = buildSourceIndex(many);
  t.equal(index.size, 5000);
  t.equal(idOf(index.identify('10.19.135.77')), `g${(19 << 8) | 135}`);
  t.equal(idOf(index.identify('11.0.0.1')), 'unknown');
  t.end();
});
