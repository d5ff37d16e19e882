/** Pure rules of the directory: canonical fields, PATCH merging, equality, the API view, the state-machine settings. */
import t from 'tap';
import { checkFields, patchedInput, sameCredentials, sameFields, toAgentConfig, toView } from './agent.js';
import type { AgentFields, AgentRecord } from './agent.js';
import type { AgentReplaceInput } from './agent-schema.js';

const input: AgentReplaceInput = {
  name: '  Alice ',
  aors: ['sips:alice@CC.example.com;transport=tls', 'sip:al@cc.example.com'],
  skills: [{ skill: 'english', level: 90 }],
  teams: ['sales', 'sales'],
  channels: { voice: 1, chat: 2 },
  personalCustomers: ['+15550001'],
  wrapUpSeconds: 45,
  maxConsecutiveNoAnswers: 2,
};

function fields(): AgentFields {
  const r = checkFields(input);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

t.test('checkFields canonicalises and reports every broken rule', (t) => {
  t.same(fields().aors, ['sip:alice@cc.example.com', 'sip:al@cc.example.com']);
  t.equal(fields().name, 'Alice');
  t.same(fields().teams, ['sales']);
  const bad = checkFields({ ...input, name: '   ', aors: ['sip:nouser.example.com', 'sip:a@h', 'sips:a@H'] });
  t.same(bad.ok ? [] : bad.issues.map((i) => i.path), ['/name', '/aors/0', '/aors/2']);
  t.end();
});

t.test('patchedInput: present fields replace, channels merge, null clears presenceUri', (t) => {
  const base = { ...fields(), presenceUri: 'sip:p@h' };
  const merged = patchedInput(base, { channels: { chat: 7 }, teams: [] });
  t.same(merged.channels, { voice: 1, chat: 7 });
  t.same(merged.teams, []);
  t.equal(merged.presenceUri, 'sip:p@h');
  t.equal(patchedInput(base, { presenceUri: null }).presenceUri, undefined);
  t.equal(patchedInput(base, {}).name, 'Alice');
  t.end();
});

t.test('sameFields / sameCredentials notice any difference', (t) => {
  const a = fields();
  t.ok(sameFields(a, fields()));
  t.notOk(sameFields(a, { ...a, skills: [{ skill: 'english', level: 91 }] }));
  t.notOk(sameFields(a, { ...a, aors: [...a.aors].reverse() }), 'order matters (it is the operator’s)');
  t.notOk(sameFields(a, { ...a, presenceUri: 'sip:x@y' }));
  const c = { username: 'u', realm: 'r', ha1: { md5: 'm', sha256: 's' } };
  t.ok(sameCredentials(c, { ...c }));
  t.notOk(sameCredentials(c, { ...c, realm: 'other' }));
  t.ok(sameCredentials(undefined, undefined));
  t.notOk(sameCredentials(c, undefined));
  t.end();
});

t.test('toView hides HA1; toAgentConfig maps to the state machine settings', (t) => {
  const record: AgentRecord = {
    id: 'a1',
    ...fields(),
    credentials: { username: 'alice', realm: 'r', ha1: { md5: 'aa', sha256: 'bb' } },
    source: 'api',
    version: 4,
    createdAt: new Date(0),
    updatedAt: new Date(1000),
  };
  const view = toView(record);
  t.notMatch(JSON.stringify(view), /"aa"|"bb"|ha1/);
  t.same(view.auth, { username: 'alice', realm: 'r', algorithms: ['SHA-256', 'MD5'] });
  t.equal(view.updatedAt, '1970-01-01T00:00:01.000Z');
  t.same(toAgentConfig(record), {
    capacity: { voice: 1, chat: 2 },
    wrapUpMs: 45_000,
    maxWrapUpMs: 300_000,
    maxConsecutiveNoAnswers: 2,
  });
  t.equal(toAgentConfig({ ...record, wrapUpSeconds: 600 }).maxWrapUpMs, 600_000);
  t.end();
});
