import t from 'tap';
import { chooseExpires } from './expires.js';

const LIMITS = { minExpiresS: 60, maxExpiresS: 3600, defaultExpiresS: 1800 };

t.test('RFC 3903 §6 step 4 / RFC 6665 §4.2.1.1 expiry choice', (t) => {
  t.same(chooseExpires(undefined, LIMITS), { ok: true, expiresS: 1800 }, 'absent → default');
  t.same(chooseExpires('0', LIMITS), { ok: true, expiresS: 0 }, '0 → removal');
  t.same(chooseExpires(' 120 ', LIMITS), { ok: true, expiresS: 120 });
  t.same(chooseExpires('60', LIMITS), { ok: true, expiresS: 60 }, 'the minimum itself is fine');
  t.same(chooseExpires('59', LIMITS), { ok: false, kind: 'too-brief', minExpiresS: 60 });
  t.same(chooseExpires('1', LIMITS), { ok: false, kind: 'too-brief', minExpiresS: 60 });
  t.same(
    chooseExpires('99999999999999', LIMITS),
    { ok: true, expiresS: 3600 },
    'shortened, never lengthened',
  );
  for (const bad of ['', '-1', '1.5', 'soon', '12abc', '1'.repeat(21)]) {
    t.same(chooseExpires(bad, LIMITS), { ok: false, kind: 'malformed' }, `"${bad}" is malformed`);
  }
  t.end();
});
