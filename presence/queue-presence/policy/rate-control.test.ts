import t from 'tap';
import { nextNotifyAtMs, parseRateParams, planRate, rateStateParams } from './rate-control.js';

const params = (o: Record<string, string | null>) => new Map(Object.entries(o));

t.test('parseRateParams reads RFC 6446 parameters and refuses bad ones', (t) => {
  t.same(parseRateParams(params({})), { ok: true, request: {} });
  t.same(parseRateParams(params({ 'min-interval': '10', 'max-interval': '60' })), {
    ok: true,
    request: { minIntervalS: 10, maxIntervalS: 60 },
  });
  t.same(parseRateParams(params({ 'max-rate': '0.5', 'min-rate': '0.1' })), {
    ok: true,
    request: { minIntervalS: 2, maxIntervalS: 10 },
  });
  t.same(parseRateParams(params({ 'adaptive-min-rate': '0.25' })), {
    ok: true,
    request: { adaptiveMinRate: 0.25 },
  });
  for (const bad of [
    { 'min-interval': '-3' },
    { 'min-interval': null },
    { 'max-interval': '0' },
    { 'adaptive-min-rate': 'x' },
  ]) {
    t.equal(parseRateParams(params(bad)).ok, false, JSON.stringify(bad));
  }
  t.end();
});

t.test('planRate: never faster than the floor; max-interval at least the min-interval', (t) => {
  t.same(planRate({}, 5), { minIntervalMs: 5000, maxIntervalMs: undefined, adaptiveMinRate: undefined });
  t.same(planRate({ minIntervalS: 1 }, 5).minIntervalMs, 5000, 'floor wins');
  t.same(planRate({ minIntervalS: 60 }, 5).minIntervalMs, 60_000, 'a longer wish is honoured');
  t.same(planRate({ maxIntervalS: 2 }, 5).maxIntervalMs, 5000, 'max below min is raised to min');
  t.same(
    planRate({ adaptiveMinRate: 0.01, maxIntervalS: 300 }, 5).maxIntervalMs,
    100_000,
    'the stricter of both',
  );
  t.equal(
    rateStateParams(planRate({ maxIntervalS: 120, minIntervalS: 60 }, 5)),
    ';min-interval=60;max-interval=120',
  );
  t.equal(rateStateParams(planRate({ adaptiveMinRate: 0.5 }, 5)), ';min-interval=5;adaptive-min-rate=0.5');
  t.end();
});

t.test('nextNotifyAtMs', (t) => {
  const plan = planRate({ maxIntervalS: 60 }, 5);
  t.equal(
    nextNotifyAtMs({ plan, lastSentAtMs: 1000, changed: true, nowMs: 2000 }),
    6000,
    'change waits for min',
  );
  t.equal(nextNotifyAtMs({ plan, lastSentAtMs: 1000, changed: true, nowMs: 9000 }), 9000, 'or goes now');
  t.equal(nextNotifyAtMs({ plan, lastSentAtMs: 1000, changed: false, nowMs: 2000 }), 61_000, 'max-interval');
  t.equal(
    nextNotifyAtMs({ plan: planRate({}, 5), lastSentAtMs: 1000, changed: false, nowMs: 2000 }),
    undefined,
  );
  t.end();
});
