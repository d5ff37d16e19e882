import t from 'tap';
import { FakeClock } from '../util/clock.js';
import { SourceRateLimiter } from './rate-limiter.js';

t.test('token bucket: burst of one second, refill over time, per source', (t) => {
  const clock = new FakeClock();
  const rl = new SourceRateLimiter(5, clock);
  const allowed = Array.from({ length: 8 }, () => rl.allow('10.0.0.1'));
  t.same(allowed, [true, true, true, true, true, false, false, false]);
  t.ok(rl.allow('10.0.0.2'), 'another source has its own bucket');
  clock.advance(200);
  t.ok(rl.allow('10.0.0.1'), 'one token back after 1/5 s');
  t.notOk(rl.allow('10.0.0.1'));
  clock.advance(1000);
  t.equal(
    Array.from({ length: 6 }, () => rl.allow('10.0.0.1')).filter(Boolean).length,
    5,
    'capped at the burst',
  );
  t.end();
});

t.test('0 disables; memory stays bounded', (t) => {
  const clock = new FakeClock();
  const off = new SourceRateLimiter(0, clock);
  t.ok(Array.from({ length: 100 }, () => off.allow('x')).every(Boolean));
  t.equal(off.size, 0);
  const rl = new SourceRateLimiter(10, clock, 50);
  for (let i = 0; i < 500; i++) rl.allow(`10.0.${i >> 8}.${i & 255}`);
  t.equal(rl.size, 50, 'oldest sources evicted');
  clock.advance(11_000);
  rl.allow('10.9.9.9');
  t.equal(rl.size, 1, 'refilled buckets swept');
  t.end();
});
