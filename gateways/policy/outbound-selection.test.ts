import fc from 'fast-check';
import t from 'tap';
import { seededRandom } from '../../test-support/seeded-random.js';
import { planOutbound } from './outbound-selection.js';
import type { OutboundCandidate } from './outbound-selection.js';

const gw = (id: string, priority: number, weight: number): OutboundCandidate => ({ id, priority, weight });
const ids = (xs: readonly OutboundCandidate[]): string[] => xs.map((x) => x.id);

t.test('priority groups in order, unusable gateways skipped', (t) => {
  const all = [
    gw('backup', 20, 100),
    gw('a', 10, 100),
    gw('down', 10, 100),
    gw('b', 10, 100),
    gw('last', 30, 1),
  ];
  const plan = planOutbound(all, (g) => g.id !== 'down', seededRandom(1));
  t.same(ids(plan).slice(2), ['backup', 'last']);
  t.same(ids(plan).slice(0, 2).sort(), ['a', 'b']);
  t.same(
    planOutbound(all, () => false, seededRandom(1)),
    [],
    'nothing usable: empty plan',
  );
  t.end();
});

t.test('the injected random decides inside a group', (t) => {
  const group = [gw('a', 1, 1), gw('b', 1, 3)];
  t.same(
    ids(
      planOutbound(
        group,
        () => true,
        () => 0,
      ),
    ),
    ['a', 'b'],
    'r = 0 → the first weight band',
  );
  t.same(
    ids(
      planOutbound(
        group,
        () => true,
        () => 0.3,
      ),
    ),
    ['b', 'a'],
    '0.3 × 4 = 1.2 is in b’s band',
  );
  t.same(
    ids(
      planOutbound(
        group,
        () => true,
        () => 0.999999,
      ),
    ),
    ['b', 'a'],
  );
  t.end();
});

t.test('property: every usable gateway exactly once, priorities non-decreasing', (t) => {
  const candidates = fc.uniqueArray(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      priority: fc.nat(3),
      weight: fc.integer({ min: 1, max: 50 }),
    }),
    { selector: (c) => c.id, maxLength: 12 },
  );
  fc.assert(
    fc.property(candidates, fc.integer(), fc.func(fc.boolean()), (cs, seed, usable) => {
      const ok = new Set(cs.filter((c) => usable(c)).map((c) => c.id));
      const plan = planOutbound(cs, (c) => ok.has(c.id), seededRandom(seed));
      const sorted = plan.every((g, i) => i === 0 || (plan[i - 1]?.priority ?? 0) <= g.priority);
      return (
        sorted &&
        plan.length === ok.size &&
        new Set(ids(plan)).size === ok.size &&
        plan.every((g) => ok.has(g.id))
      );
    }),
    { numRuns: 500 },
  );
  t.pass();
  t.end();
});

t.test('property: first picks follow the weights (seeded, within 5 standard deviations)', (t) => {
  const weights = fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 2, maxLength: 5 });
  fc.assert(
    fc.property(weights, fc.integer(), (ws, seed) => {
      const group = ws.map((w, i) => gw(`g${i}`, 0, w));
      const random = seededRandom(seed);
      const draws = 4000;
      const firsts = new Map<string, number>();
      for (let i = 0; i < draws; i++) {
        const first = planOutbound(group, () => true, random)[0]?.id ?? '';
        firsts.set(first, (firsts.get(first) ?? 0) + 1);
      }
      const total = ws.reduce((a, b) => a + b, 0);
      return ws.every((w, i) => {
        const p = w / total;
        const sd = Math.sqrt(draws * p * (1 - p));
        return Math.abs((firsts.get(`g${i}`) ?? 0) - draws * p) <= 5 * sd + 1;
      });
    }),
    { numRuns: 25 },
  );
  t.pass();
  t.end();
});

t.test('second picks follow the weights of those left', (t) => {
  const group = [gw('a', 0, 6), gw('b', 0, 3), gw('c', 0, 1)];
  const random = seededRandom(42);
  let bSecondAfterA = 0;
  let aFirst = 0;
  for (let i = 0; i < 6000; i++) {
    const [first, second] = ids(planOutbound(group, () => true, random));
    if (first === 'a') {
      aFirst += 1;
      if (second === 'b') bSecondAfterA += 1;
    }
  }
  const share = bSecondAfterA / aFirst; // expected 3 / (3 + 1)
  t.ok(Math.abs(aFirst / 6000 - 0.6) < 0.03, `a first ${aFirst} of 6000 (expected 60%)`);
  t.ok(Math.abs(share - 0.75) < 0.04, `b second after a in ${(share * 100).toFixed(1)}% (expected 75%)`);
  t.end();
});
