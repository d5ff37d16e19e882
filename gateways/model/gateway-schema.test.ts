import { Value } from '@sinclair/typebox/value';
import t from 'tap';
import type { Gateway } from './gateway.js';
import { gatewayIssues } from './gateway-issues.js';
import { GatewaySpec } from './gateway-schema.js';

/** What the config loader does: defaults, then validation. */
function load(input: unknown): { ok: boolean; value: unknown; errors: string[] } {
  const value = Value.Default(GatewaySpec, structuredClone(input));
  const errors = [...Value.Errors(GatewaySpec, value)].map((e) => `${e.path} ${e.message}`);
  return { ok: errors.length === 0, value, errors };
}

t.test('a minimal gateway gets its defaults', (t) => {
  const r = load({ id: 'carrier-1', name: 'Carrier', kind: 'pstn', sources: ['198.51.100.0/24'] });
  t.same(r.errors, []);
  t.match(r.value, {
    enabled: true,
    transport: 'udp',
    maxConcurrentCalls: 0,
    retryAfterSeconds: 30,
    priority: 10,
    weight: 100,
    trust: { caller: ['pai', 'rpid', 'from'], dialled: ['request-uri', 'to', 'diversion', 'history-info'] },
    health: { enabled: true, intervalMs: 30000, timeoutMs: 5000, failuresToDown: 3, successesToUp: 2 },
  });
  t.end();
});

t.test('a full gateway with numbering, credentials and trust', (t) => {
  const r = load({
    id: 'gsm',
    name: 'GSM gateway',
    kind: 'mobile',
    auth: { username: 'gsm-1', password: 'correct horse' },
    host: 'gsm.example.net',
    port: 5061,
    transport: 'tls',
    maxConcurrentCalls: 8,
    numbering: {
      countryCode: '49',
      nationalPrefix: '0',
      internationalPrefix: '00',
      areaCode: '30',
      rewrites: [{ prefix: '9', strip: 1 }],
    },
    trust: { caller: ['from'], dialled: ['history-info', 'request-uri'] },
  });
  t.same(r.errors, []);
  t.match(r.value, { numbering: { rewrites: [{ prefix: '9', strip: 1, prepend: '' }] } });
  t.end();
});

t.test('the schema refuses unknown keys, kinds, trust sources and bad ranges', (t) => {
  const base = { id: 'g', name: 'G', kind: 'pstn', sources: ['192.0.2.1'] };
  t.notOk(load({ ...base, colour: 'red' }).ok, 'unknown key');
  t.notOk(load({ ...base, kind: 'satellite' }).ok, 'unknown kind');
  t.notOk(load({ ...base, trust: { caller: ['contact'] } }).ok, 'unknown caller source');
  t.notOk(load({ ...base, trust: { caller: ['pai', 'pai'] } }).ok, 'repeated source');
  t.notOk(load({ ...base, trust: { dialled: [] } }).ok, 'no dialled source');
  t.notOk(load({ ...base, weight: 0 }).ok, 'weight 0');
  t.notOk(
    load({ ...base, numbering: { countryCode: '049', nationalPrefix: '0', internationalPrefix: '00' } }).ok,
  );
  t.notOk(load({ ...base, auth: { username: 'a:b', password: 'long enough' } }).ok, 'colon in username');
  t.end();
});

function gateway(over: Partial<Record<string, unknown>>): Gateway {
  const r = load({ id: 'g', name: 'G', kind: 'pstn', ...over });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value as Gateway;
}

t.test('gatewayIssues lists every problem the schema cannot see', (t) => {
  const issues = gatewayIssues([
    gateway({
      id: 'a',
      sources: ['192.0.2.0/24', '10.0.0.1/8'],
      auth: { username: 'u', password: 'password1' },
    }),
    gateway({ id: 'a', sources: ['192.0.2.0/24'] }),
    gateway({ id: 'c', auth: { username: 'u', password: 'password2' } }),
    gateway({ id: 'd' }),
    gateway({ id: 'e', host: 'pbx.example.com', health: { intervalMs: 5000, timeoutMs: 5000 } }),
    gateway({
      id: 'f',
      sources: ['fe80::/10'],
      numbering: { countryCode: '1', nationalPrefix: '011', internationalPrefix: '01' },
    }),
  ]);
  t.same(
    issues.map((i) => i.path),
    [
      '/1/id',
      '/2/auth/username',
      '/3',
      '/4/health/timeoutMs',
      '/5/numbering/nationalPrefix',
      '/0/sources/1',
      '/1/sources/0',
    ],
  );
  t.match(issues[6]?.message, /already a source of gateway 'a'/);
  t.match(issues[5]?.hint, /10\.1\.0\.0\/16/);
  t.same(gatewayIssues([gateway({ sources: ['192.0.2.1'] })]), [], 'a good list has none');
  t.end();
});
