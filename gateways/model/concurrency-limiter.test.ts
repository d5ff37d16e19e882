import fc from 'fast-check';
import t from 'tap';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import type { Lease } from './concurrency-limiter.js';

t.test('acquire up to the limit, then full with the Retry-After hint', (t) => {
  const limiter = new ConcurrencyLimiter();
  limiter.configure('gw', { maxConcurrentCalls: 2, retryAfterSeconds: 20 });
  const a = limiter.acquire('gw');
  const b = limiter.acquire('gw');
  t.ok(a.ok && b.ok);
  t.same(limiter.acquire('gw'), { ok: false, reason: 'full', active: 2, max: 2, retryAfterSeconds: 20 });
  t.ok(limiter.isFull('gw'));
  t.equal(a.ok && a.lease.release(), true);
  t.equal(a.ok && a.lease.release(), false, 'a second release is ignored');
  t.equal(limiter.active('gw'), 1);
  t.ok(limiter.acquire('gw').ok, 'a freed slot is available again');
  t.end();
});

t.test('0 is unlimited; unconfigured gateways are unlimited but counted', (t) => {
  const limiter = new ConcurrencyLimiter();
  limiter.configure('open', { maxConcurrentCalls: 0, retryAfterSeconds: 5 });
  let admitted = 0;
  for (let i = 0; i < 1000; i++) if (limiter.acquire(i % 2 ? 'open' : 'other').ok) admitted += 1;
  t.equal(admitted, 1000);
  t.equal(limiter.active('open'), 500);
  t.equal(limiter.active('other'), 500);
  t.same(limiter.snapshot(), [
    { gatewayId: 'open', active: 500, max: 0 },
    { gatewayId: 'other', active: 500, max: 0 },
  ]);
  t.end();
});

t.test('lowering the limit admits nothing new until calls end; removal is safe', (t) => {
  const limiter = new ConcurrencyLimiter();
  limiter.configure('gw', { maxConcurrentCalls: 3, retryAfterSeconds: 5 });
  const leases = [limiter.acquire('gw'), limiter.acquire('gw'), limiter.acquire('gw')].flatMap((r) =>
    r.ok ? [r.lease] : [],
  );
  limiter.configure('gw', { maxConcurrentCalls: 1, retryAfterSeconds: 5 });
  t.notOk(limiter.acquire('gw').ok);
  leases[0]?.release();
  leases[1]?.release();
  t.notOk(limiter.acquire('gw').ok, 'still at 1 of 1');
  leases[2]?.release();
  t.ok(limiter.acquire('gw').ok);
  limiter.remove('gw');
  t.equal(limiter.active('gw'), 0);
  t.end();
});

type Op =
  | { kind: 'acquire'; gw: number }
  | { kind: 'release'; pick: number }
  | { kind: 'limit'; gw: number; max: number };

t.test('property: never more than max at once, counts always match the leases held', (t) => {
  const op: fc.Arbitrary<Op> = fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('acquire' as const), gw: fc.nat(2) }), weight: 5 },
    { arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat(1000) }), weight: 4 },
    {
      arbitrary: fc.record({ kind: fc.constant('limit' as const), gw: fc.nat(2), max: fc.nat(4) }),
      weight: 1,
    },
  );
  fc.assert(
    fc.property(
      fc.array(fc.nat(4), { minLength: 3, maxLength: 3 }),
      fc.array(op, { maxLength: 200 }),
      (maxes, ops) => {
        const limiter = new ConcurrencyLimiter();
        const max = [...maxes];
        max.forEach((m, i) => limiter.configure(`g${i}`, { maxConcurrentCalls: m, retryAfterSeconds: 1 }));
        const held: Lease[] = [];
        for (const o of ops) {
          if (o.kind === 'acquire') {
            const id = `g${o.gw}`;
            const before = limiter.active(id);
            const r = limiter.acquire(id);
            const m = max[o.gw] ?? 0;
            if (r.ok !== (m === 0 || before < m)) return false;
            if (r.ok) held.push(r.lease);
          } else if (o.kind === 'release') {
            const [lease] = held.splice(o.pick % Math.max(1, held.length), 1);
            lease?.release();
          } else {
            max[o.gw] = o.max;
            limiter.configure(`g${o.gw}`, { maxConcurrentCalls: o.max, retryAfterSeconds: 1 });
          }
          for (let i = 0; i < 3; i++) {
            const id = `g${i}`;
            if (limiter.active(id) !== held.filter((l) => l.gatewayId === id).length) return false;
          }
        }
        return true;
      },
    ),
    { numRuns: 300 },
  );
  t.pass();
  t.end();
});
