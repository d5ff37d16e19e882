/** Seeding from a real config file's `agents:` (schema defaults applied by the loader), twice. */
import t from 'tap';
import { parseConfig } from '../../config/index.js';
import { FakeClock } from '../../sip-engine/util/clock.js';
import { openPgliteMemory } from '../../test-support/test-databases.js';
import { startAgentDirectory } from './start-directory.js';

const yaml = `
node: { id: n1 }
agents:
  - id: a17
    name: Alice
    aors: [sip:alice@CC.example.com]
    auth: { username: alice, password: alice-password }
    skills: [{ skill: english, level: 90 }]
  - { id: b2, name: Bob }
`;

t.test('config agents are validated with defaults and seeded idempotently', async (t) => {
  const parsed = parseConfig({ text: yaml, env: {} });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const { agents } = parsed.config;
  t.match(agents[1], {
    channels: { voice: 1, chat: 3 },
    wrapUpSeconds: 30,
    maxConsecutiveNoAnswers: 3,
    aors: [],
  });
  const db = await openPgliteMemory(t);
  const clock = new FakeClock();
  const first = await startAgentDirectory({ db: db.handle.db, agents, realm: 'cc.example.com', clock });
  t.same(first.seeded, { created: ['a17', 'b2'], updated: [], unchanged: [], orphaned: [] });
  const again = await startAgentDirectory({ db: db.handle.db, agents, realm: 'cc.example.com', clock });
  t.same(again.seeded, { created: [], updated: [], unchanged: ['a17', 'b2'], orphaned: [] });
  t.equal(await again.directory.agentForAor('sip:alice@cc.example.com'), 'a17');
  t.equal((await again.directory.credentialsFor('alice'))?.agentId, 'a17');
});

t.test('the config schema refuses a credential without a password and unknown agent keys', (t) => {
  const bad = parseConfig({
    text: 'node: { id: n1 }\nagents:\n  - { id: x, name: X, auth: { username: x }, colour: red }\n',
    env: {},
  });
  t.notOk(bad.ok);
  if (!bad.ok) {
    const paths = bad.issues.map((i) => i.path);
    t.ok(paths.includes('/agents/0/auth/password'), JSON.stringify(paths));
    t.ok(paths.includes('/agents/0/colour'), 'the unknown key is reported');
  }
  t.end();
});
