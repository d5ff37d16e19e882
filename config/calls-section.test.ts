/** The `calls` section: session timer and reconciliation settings (RFC 4028 §4, design §6). */
import t from 'tap';
import { parseConfig } from './index.js';

t.test('defaults: 1800 s sessions, a sweep every 30 s', (t) => {
  const r = parseConfig({ text: '', env: {} });
  if (!r.ok) throw new Error('the empty config is valid');
  t.same(r.config.calls, { sessionExpiresS: 1800, reconcileIntervalS: 30 });
  t.end();
});

t.test('a Session-Expires below 90 s is refused with its path', (t) => {
  const r = parseConfig({ text: 'calls: { sessionExpiresS: 60, reconcileIntervalS: -1 }', env: {} });
  t.notOk(r.ok);
  const paths = r.ok ? [] : r.issues.map((i) => i.path).sort();
  t.same(paths, ['/calls/reconcileIntervalS', '/calls/sessionExpiresS']);
  t.end();
});
