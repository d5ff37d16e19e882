import t from 'tap';
import { parseConfig } from './index.js';
import type { ConfigIssue, ConfigResult, PatchbayConfig } from './index.js';

function configOf(r: ConfigResult): PatchbayConfig {
  if (!r.ok) throw new Error(`expected a valid config, got ${JSON.stringify(r.issues)}`);
  return r.config;
}

function issuesOf(r: ConfigResult): ConfigIssue[] {
  if (r.ok) throw new Error('expected the config to be invalid');
  return r.issues;
}

const FILE = 'http:\n  port: 8080\n  host: 127.0.0.1\n';

t.test('PATCHBAY_<PATH> overrides the file, converting to the schema type', (t) => {
  const cfg = configOf(
    parseConfig({
      text: FILE,
      env: {
        PATCHBAY_HTTP__PORT: '8081',
        PATCHBAY_DATABASE__URL: 'postgres://u:p@db:5432/patchbay',
        PATCHBAY_SIP__ENGINE__SESSION_TIMER__INTERVAL_S: '900',
        PATCHBAY_SIP__ENGINE__CDRS: 'true',
        PATCHBAY_NODE__ID: '12345', // a string key stays a string even when it looks like a number
        PATCHBAY_RTPENGINE__SERVERS: '10.0.0.1:22222, [::1]:22223',
        PATCHBAY_FROM_SOURCE: '1', // no "__": not a config override
        OTHER_VAR: 'x',
      },
    }),
  );
  t.equal(cfg.http.port, 8081);
  t.equal(cfg.http.host, '127.0.0.1', 'untouched keys keep the file value');
  t.equal(cfg.database.url, 'postgres://u:p@db:5432/patchbay');
  t.equal(cfg.sip.engine.sessionTimer.intervalS, 900);
  t.equal(cfg.sip.engine.cdrs, true);
  t.equal(cfg.node.id, '12345');
  t.same(cfg.rtpengine.servers, ['10.0.0.1:22222', '[::1]:22223']);
  t.end();
});

t.test('lists: whole-list YAML flow values and indexed items', (t) => {
  const cfg = configOf(
    parseConfig({
      env: {
        PATCHBAY_HTTP__TOKENS: '[{ token: aaaaaaaaaaaaaaaa, role: admin }]',
        PATCHBAY_HTTP__TOKENS__1__TOKEN: 'bbbbbbbbbbbbbbbb',
        PATCHBAY_HTTP__TOKENS__1__ROLE: 'agent',
        PATCHBAY_HTTP__TOKENS__1__AGENT_ID: 'a17',
      },
    }),
  );
  t.same(cfg.http.tokens, [
    { token: 'aaaaaaaaaaaaaaaa', role: 'admin' },
    { token: 'bbbbbbbbbbbbbbbb', role: 'agent', agentId: 'a17' },
  ]);
  t.end();
});

t.test('bad overrides are errors naming the variable', (t) => {
  const issues = issuesOf(
    parseConfig({
      text: FILE,
      env: {
        PATCHBAY_HTTP__PROT: '1',
        PATCHBAY_HTTP__PORT: 'eighty',
        PATCHBAY_HTTP__PORT__X: '1',
        PATCHBAY_HTTP__TOKENS__5__TOKEN: 'x',
        PATCHBAY_QUEUES: 'ignored', // no "__"
      },
    }),
  );
  const byVar = new Map(issues.map((i) => [i.envVar, i]));
  t.same([...byVar.keys()].sort(), [
    'PATCHBAY_HTTP__PORT',
    'PATCHBAY_HTTP__PORT__X',
    'PATCHBAY_HTTP__PROT',
    'PATCHBAY_HTTP__TOKENS__5__TOKEN',
  ]);
  t.match(byVar.get('PATCHBAY_HTTP__PROT'), { path: '/http/prot', message: /unknown key/, hint: /port/ });
  t.match(byVar.get('PATCHBAY_HTTP__PORT'), { path: '/http/port', message: /expected an integer/ });
  t.match(byVar.get('PATCHBAY_HTTP__PORT__X'), { message: /not a section/ });
  t.match(byVar.get('PATCHBAY_HTTP__TOKENS__5__TOKEN'), { message: /skips items/ });
  t.end();
});

t.test('an invalid structured value reports the parse problem', (t) => {
  const issues = issuesOf(parseConfig({ env: { PATCHBAY_HTTP__TOKENS: '[{ token: ' } }));
  t.match(issues, [{ envVar: 'PATCHBAY_HTTP__TOKENS', message: /cannot parse/ }]);
  t.end();
});
