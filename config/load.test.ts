import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { DEFAULT_ENGINE_CONFIG } from '../sip-engine/config.js';
import { loadConfig, parseConfig, requireConfig, ConfigError, toEngineConfig } from './index.js';
import type { ConfigIssue, ConfigResult, PatchbayConfig } from './index.js';

const EXAMPLE = new URL('./patchbay.example.yaml', import.meta.url);

function issuesOf(r: ConfigResult): ConfigIssue[] {
  if (r.ok) throw new Error('expected the config to be invalid');
  return r.issues;
}

function configOf(r: ConfigResult): PatchbayConfig {
  if (!r.ok) throw new Error(`expected a valid config, got ${JSON.stringify(r.issues)}`);
  return r.config;
}

const paths = (issues: ConfigIssue[]): string[] => issues.map((i) => i.path).sort();

t.test('the example file is valid and describes the embedded `npm start` setup', async (t) => {
  const cfg = configOf(await loadConfig({ file: EXAMPLE.pathname, env: {} }));
  t.equal(cfg.sip.mode, 'embedded');
  t.same(cfg.sip.engine.contacts, [{ uri: 'sip:127.0.0.1:5060;transport=udp,tcp' }]);
  t.equal(cfg.http.host, '127.0.0.1');
  t.equal(cfg.http.port, 8080);
  t.equal(cfg.http.tokens.length, 1);
  t.equal(cfg.http.tokens[0]?.role, 'admin');
  t.equal(cfg.database.url, undefined, 'embedded PGlite');
  t.equal(cfg.database.path, './data/pglite');
  t.equal(cfg.bus.url, undefined, 'in-process bus');
  t.equal(cfg.presence.mode, 'embedded');
  t.same(cfg.rtpengine.servers, []);
});

t.test('the example documents every key (each key of the defaults appears in it)', (t) => {
  const text = readFileSync(EXAMPLE, 'utf8');
  const keys = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        keys.add(k);
        walk(child);
      }
    }
  };
  walk(configOf(parseConfig({ env: {} })));
  for (const optional of [
    'externalIp',
    'tlsPort',
    'keyFile',
    'certFile',
    'chainFile',
    'optionsPingUserAgent',
    'url',
    'server',
    'agentId',
    'host',
    'secret',
  ]) {
    keys.add(optional);
  }
  for (const k of keys) t.match(text, new RegExp(`\\b${k}:`), `documents ${k}`);
  t.end();
});

t.test('no file: every default applies; node.id comes from the host name', (t) => {
  const cfg = configOf(parseConfig({ env: {}, hostname: 'cc host #1.example' }));
  t.equal(cfg.node.id, 'cc-host--1.example');
  t.same(toEngineConfig(cfg), DEFAULT_ENGINE_CONFIG, 'engine defaults match sip-engine/config.ts');
  t.same(cfg.gateways, []);
  t.equal(cfg.log.level, 'info');
  t.end();
});

t.test('the result is deep-frozen', (t) => {
  const cfg = configOf(
    parseConfig({ text: 'http: { tokens: [{ token: abcdefghijklmnop, role: admin }] }', env: {} }),
  );
  t.ok(Object.isFrozen(cfg));
  t.ok(Object.isFrozen(cfg.http.tokens[0]));
  t.ok(Object.isFrozen(cfg.sip.engine.contacts));
  t.throws(() => {
    (cfg.http as { port: number }).port = 1;
  }, TypeError);
  t.end();
});

t.test('a missing required key is reported with its path and file position', (t) => {
  const issues = issuesOf(
    parseConfig({ text: 'sip:\n  mode: external\n  servers:\n    - port: 9022\n', env: {} }),
  );
  t.same(paths(issues), ['/sip/servers/0/host', '/sip/servers/0/secret']);
  const host = issues.find((i) => i.path === '/sip/servers/0/host');
  t.match(host, { message: 'required key is missing', source: 'schema', line: 4, hint: /host/ });
  t.end();
});

t.test('a wrong type names what was expected and where', (t) => {
  const issues = issuesOf(parseConfig({ text: 'http:\n  port: eighty\n', env: {} }));
  t.equal(issues.length, 1);
  t.match(issues[0], {
    path: '/http/port',
    line: 2,
    column: 3,
    message: /expected an integer, got string "eighty"/,
  });
  t.end();
});

t.test('unknown keys are errors at any depth, with a suggestion', (t) => {
  const text =
    'htpp: {}\nsip:\n  engine:\n    timers: { t1ms: 400 }\ngateways:\n  - { id: gw1, name: GW, kind: pstn, ip: 10.0.0.1 }\n';
  const issues = issuesOf(parseConfig({ text, env: {} }));
  t.same(paths(issues), ['/gateways/0/ip', '/htpp', '/sip/engine/timers/t1ms']);
  t.match(
    issues.find((i) => i.path === '/htpp'),
    { message: "unknown key 'htpp'", hint: /did you mean 'http'/ },
  );
  t.match(
    issues.find((i) => i.path === '/sip/engine/timers/t1ms'),
    { hint: /did you mean 't1Ms'/, line: 4 },
  );
  t.end();
});

t.test('bad YAML reports line and column', (t) => {
  const issues = issuesOf(parseConfig({ text: 'log: {}\nhttp:\n\tport: 80\n', env: {} }));
  t.ok(issues.length >= 1);
  t.match(issues[0], { source: 'yaml', path: '', line: 3, column: 1, message: /YAML syntax error: .*tab/i });
  const dup = issuesOf(parseConfig({ text: 'log: {}\nlog: {}\n', env: {} }));
  t.match(dup[0], { source: 'yaml', line: 2, message: /unique/i });
  const list = issuesOf(parseConfig({ text: '- a\n- b\n', env: {} }));
  t.match(list[0], { path: '', message: /mapping of sections/ });
  t.end();
});

t.test('every error is listed, not just the first', (t) => {
  const text = [
    'node: { id: "bad id" }',
    'http:',
    '  port: 70000',
    '  tokens:',
    '    - { token: short, role: boss }',
    'log: { level: loud }',
    'rtpengine: { servers: ["no-port"] }',
    'queues: [{ id: q1 }]',
  ].join('\n');
  const issues = issuesOf(parseConfig({ text, env: {} }));
  t.same(paths(issues), [
    '/http/port',
    '/http/tokens/0/role',
    '/http/tokens/0/token',
    '/log/level',
    '/node/id',
    '/queues/0/name',
    '/rtpengine/servers/0',
  ]);
  t.ok(
    issues.every((i) => i.message.length > 0 && i.hint !== undefined && i.line !== undefined),
    'each has a hint and a line',
  );
  t.match(issues.find((i) => i.path === '/http/tokens/0/role')?.hint, 'one of: admin, supervisor, agent');
  t.match(issues.find((i) => i.path === '/http/port')?.hint, /between 0 and 65535/);
  t.end();
});

t.test('cross-field rules', (t) => {
  const text = [
    'sip:',
    '  mode: external',
    '  engine:',
    '    contacts: [{ uri: "sip:127.0.0.1:5061;transport=tls" }, { uri: "sip:127.0.0.1;transport=sctp" }]',
    '    timers: { t1Ms: 5000, t2Ms: 4000 }',
    '    sessionTimer: { intervalS: 60 }',
    'presence: { mode: external }',
    'http: { tokens: [{ token: aaaaaaaaaaaaaaaa, role: agent }, { token: aaaaaaaaaaaaaaaa, role: admin }] }',
    'agents: [{ id: a1, name: A }, { id: a1, name: B }]',
  ].join('\n');
  const issues = issuesOf(parseConfig({ text, env: {} }));
  t.same(paths(issues), [
    '/agents/1/id',
    '/http/tokens/0/agentId',
    '/http/tokens/1/token',
    '/presence/server',
    '/sip/engine/contacts/0/uri',
    '/sip/engine/contacts/1/uri',
    '/sip/engine/sessionTimer/intervalS',
    '/sip/engine/timers/t1Ms',
    '/sip/servers',
  ]);
  t.ok(issues.every((i) => i.source === 'semantics'));
  t.end();
});

t.test(
  'loadConfig reports an unreadable file; requireConfig throws a ConfigError with all issues',
  async (t) => {
    const dir = t.testdir();
    const issues = issuesOf(await loadConfig({ file: join(dir, 'missing.yaml'), env: {} }));
    t.match(issues, [{ source: 'file', message: /cannot read/ }]);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'http: { port: -1, host: 5 }\n');
    const err = await requireConfig({ file: bad, env: {} }).catch((e: unknown) => e);
    t.ok(err instanceof ConfigError);
    t.equal((err as ConfigError).code, 'config-invalid');
    t.equal((err as ConfigError).issues.length, 2);
  },
);
