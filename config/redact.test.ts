import t from 'tap';
import { parseConfig, redactConfig, redactUrl, REDACTED } from './index.js';

t.test('redactUrl hides passwords and bare tokens in URLs', (t) => {
  t.equal(redactUrl('postgres://patchbay:s3cret@db:5432/pb'), `postgres://patchbay:${REDACTED}@db:5432/pb`);
  t.equal(redactUrl('postgres://db:5432/pb'), 'postgres://db:5432/pb');
  t.equal(
    redactUrl('nats://tok3n@n1:4222,nats://u:pw@n2:4222'),
    `nats://${REDACTED}@n1:4222,nats://u:${REDACTED}@n2:4222`,
  );
  t.equal(redactUrl('sip:presence:pw@ps.example.com'), `sip:presence:${REDACTED}@ps.example.com`);
  t.equal(redactUrl('sip:ps.example.com:5060'), 'sip:ps.example.com:5060');
  t.end();
});

t.test('redactConfig removes every secret and leaves the original intact', (t) => {
  const text = [
    'sip:',
    '  engine: { admin: { secret: engine-admin-secret } }',
    '  servers: [{ host: d1, secret: drachtio-secret }]',
    'database: { url: "postgres://u:db-password@h/db" }',
    'bus: { url: "nats://nats-password-token@h:4222" }',
    'presence: { mode: external, server: "sip:ps:presence-password@h" }',
    'http: { tokens: [{ token: api-token-0123456789, role: admin }] }',
    'agents: [{ id: a17, name: Alice, aors: ["sip:alice@localhost"], auth: { username: alice, password: agent-digest-password } }]',
  ].join('\n');
  const r = parseConfig({ text, env: {} });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const json = JSON.stringify(redactConfig(r.config));
  for (const secret of [
    'engine-admin-secret',
    'drachtio-secret',
    'db-password',
    'nats-password-token',
    'presence-password',
    'api-token-0123456789',
    'agent-digest-password',
  ]) {
    t.notOk(json.includes(secret), `${secret} is redacted`);
  }
  t.match(json, /"host":"d1"/, 'non-secrets stay');
  t.equal(r.config.http.tokens[0]?.token, 'api-token-0123456789', 'original untouched');
  t.end();
});
