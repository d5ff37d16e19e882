import fc from 'fast-check';
import t from 'tap';
import {
  afterRefreshFailure,
  afterSubscribeFailure,
  afterTermination,
  backoffDelayMs,
  refreshDelayMs,
  refreshFailureEndsDialog,
} from './retry-policy.js';

const retry = { baseDelayMs: 1000, maxDelayMs: 60000, maxImmediateRetries: 3 };
const refresh = { minFraction: 0.8, maxFraction: 0.9 };

t.test('refresh delay lies in [80 %, 90 %] of the remaining lifetime', (t) => {
  t.equal(
    refreshDelayMs(3600000, () => 0, refresh),
    2880000,
  );
  t.equal(
    refreshDelayMs(3600000, () => 1, refresh),
    3240000,
  );
  t.equal(
    refreshDelayMs(0, () => 0.5, refresh),
    0,
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.double({ min: 0, max: 1, noNaN: true }), (ms, r) => {
      const d = refreshDelayMs(ms, () => r, refresh);
      return d >= Math.floor(ms * 0.8) && d <= ms * 0.9;
    }),
  );
  t.end();
});

t.test('backoff doubles, is capped, and jitters within the upper half of the step', (t) => {
  t.same(
    [0, 1, 2, 3, 4, 5, 6, 7, 40].map((n) => backoffDelayMs(n, () => 1, retry)),
    [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000],
  );
  t.equal(
    backoffDelayMs(0, () => 0, retry),
    500,
  );
  t.equal(
    backoffDelayMs(0, () => Number.NaN, retry),
    500,
    'a broken random source stays in range',
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, r) => {
      const step = Math.min(60000, 1000 * 2 ** n);
      const d = backoffDelayMs(n, () => r, retry);
      return d >= step / 2 - 1 && d <= step;
    }),
  );
  t.end();
});

t.test('RFC 6665 §4.1.3 termination reasons', (t) => {
  const r = () => 0;
  t.same(afterTermination('deactivated', undefined, 0, r, retry), { kind: 'resubscribe-now' });
  t.same(
    afterTermination('timeout', 99, 0, r, retry),
    { kind: 'resubscribe-now' },
    'retry-after has no meaning',
  );
  t.same(afterTermination('deactivated', undefined, 3, r, retry), { kind: 'retry-later', delayMs: 4000 });
  t.same(afterTermination('probation', 120, 0, r, retry), { kind: 'retry-later', delayMs: 120000 });
  t.same(afterTermination('giveup', undefined, 1, r, retry), { kind: 'retry-later', delayMs: 1000 });
  t.same(
    afterTermination('probation', 0, 2, r, retry),
    { kind: 'retry-later', delayMs: 2000 },
    'backoff wins',
  );
  t.same(afterTermination('rejected', 10, 0, r, retry), { kind: 'give-up', reason: 'rejected' });
  t.same(afterTermination('noresource', undefined, 0, r, retry), { kind: 'give-up', reason: 'noresource' });
  t.same(afterTermination('invariant', undefined, 0, r, retry), { kind: 'give-up', reason: 'invariant' });
  t.same(afterTermination(undefined, 7, 0, r, retry), { kind: 'retry-later', delayMs: 7000 });
  t.same(afterTermination('some-extension', undefined, 0, r, retry), { kind: 'retry-later', delayMs: 500 });
  t.end();
});

t.test('initial SUBSCRIBE failures', (t) => {
  const r = () => 0;
  const f = (status: number, retryAfterS?: number) =>
    afterSubscribeFailure({ status, reason: '', ...(retryAfterS ? { retryAfterS } : {}) }, 0, r, retry);
  for (const s of [0, 408, 480, 486, 500, 503, 504, 600, 420]) t.equal(f(s).kind, 'retry-later', `${s}`);
  t.same(f(503, 20), { kind: 'retry-later', delayMs: 20000 });
  t.same(f(403), { kind: 'give-up', reason: 'rejected' });
  t.same(f(604), { kind: 'give-up', reason: 'noresource' });
  t.same(f(405), { kind: 'give-up', reason: 'invariant' });
  t.same(f(501), { kind: 'give-up', reason: 'invariant' });
  t.same(f(407), { kind: 'give-up', reason: 'auth-required' });
  t.end();
});

t.test('refresh failures (RFC 6665 §4.1.2.2)', (t) => {
  const r = () => 0;
  t.same(afterRefreshFailure({ status: 481, reason: '' }, 0, r, retry), { kind: 'resubscribe-now' });
  t.same(afterRefreshFailure({ status: 408, reason: '' }, 0, r, retry), {
    kind: 'retry-later',
    delayMs: 500,
  });
  t.same(afterRefreshFailure({ status: 404, reason: '' }, 0, r, retry), {
    kind: 'give-up',
    reason: 'noresource',
  });
  for (const s of [0, 404, 405, 408, 410, 416, 480, 481, 485, 489, 501, 604])
    t.ok(refreshFailureEndsDialog(s), `${s}`);
  for (const s of [500, 503, 486, 403]) t.notOk(refreshFailureEndsDialog(s), `${s}`);
  t.end();
});
