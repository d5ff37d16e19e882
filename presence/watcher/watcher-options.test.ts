import t from 'tap';
import { DEFAULT_WATCHER_OPTIONS, resolveWatcherOptions } from './watcher-options.js';

t.test('defaults, merge and validation', (t) => {
  t.same(resolveWatcherOptions(), DEFAULT_WATCHER_OPTIONS);
  const o = resolveWatcherOptions({ expiresS: 60, retry: { maxDelayMs: 5000 } });
  t.equal(o.expiresS, 60);
  t.same(o.retry, { baseDelayMs: 1000, maxDelayMs: 5000, maxImmediateRetries: 3 });
  t.ok(Object.isFrozen(o) && Object.isFrozen(o.retry));
  const err = t.throws(() =>
    resolveWatcherOptions({
      expiresS: 0,
      refresh: { minFraction: 0.9, maxFraction: 0.5 },
      retry: { maxDelayMs: 10 },
    }),
  );
  t.match(err, { code: 'invalid-watcher-option' });
  t.match(String(err), /expiresS.*refresh fractions|refresh fractions.*expiresS/s);
  t.match(String(err), /maxDelayMs must be >= /, 'every problem listed');
  t.end();
});
