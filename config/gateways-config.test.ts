/** `gateways:` in the config: the real GatewaySpec with defaults, every gateway-issues.ts problem listed with path and hint, passwords redacted. */
import t from 'tap';
import { parseConfig } from './load.js';
import { redactConfig } from './redact.js';

const yaml = (gateways: string) => `node: { id: n1 }\ngateways:\n${gateways}`;

t.test('a gateway gets the schema defaults', (t) => {
  const r = parseConfig({
    text: yaml('  - { id: gw1, name: Carrier, kind: pstn, sources: [192.0.2.10] }\n'),
    env: {},
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  t.match(r.config.gateways[0], {
    id: 'gw1',
    enabled: true,
    transport: 'udp',
    maxConcurrentCalls: 0,
    retryAfterSeconds: 30,
    trust: { caller: ['pai', 'rpid', 'from'], dialled: ['request-uri', 'to', 'diversion', 'history-info'] },
    health: { enabled: true, intervalMs: 30000 },
  });
  t.end();
});

t.test('every semantic problem is listed with its path, hint and line', (t) => {
  const text = yaml(
    [
      '  - { id: a, name: A, kind: pstn, sources: [10.0.0.0/8, 10.1.0.1/16] }',
      '  - { id: b, name: B, kind: mobile, sources: [10.0.0.0/8] }',
      '  - { id: a, name: C, kind: ip-pbx }',
      '',
    ].join('\n'),
  );
  const r = parseConfig({ text, env: {} });
  if (r.ok) throw new Error('expected issues');
  const byPath = new Map(r.issues.map((i) => [i.path, i]));
  t.match(byPath.get('/gateways/0/sources/1'), { message: /host-bits-set/, hint: /must be zero/, line: 3 });
  t.match(byPath.get('/gateways/1/sources/0'), {
    message: /already a source of gateway 'a'/,
    hint: /one gateway only/,
  });
  t.match(byPath.get('/gateways/2/id'), { message: /id 'a' is also used/ });
  t.match(byPath.get('/gateways/2'), { message: /no sources, no credentials and no host/ });
  t.equal(r.issues.filter((i) => i.path === '/gateways/2/id').length, 1, 'a duplicate id is reported once');
  t.end();
});

t.test('digest passwords are redacted for logging', (t) => {
  const r = parseConfig({
    text: yaml('  - { id: g, name: G, kind: mobile, auth: { username: gsm, password: secret-password } }\n'),
    env: {},
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  t.notMatch(JSON.stringify(redactConfig(r.config)), /secret-password/);
  t.end();
});
