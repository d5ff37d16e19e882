import t from 'tap';
import { parseConfig } from './index.js';

t.test('queues and entry points: unknown agents and queues are listed with path and hint', (t) => {
  const r = parseConfig({
    env: {},
    hostname: 'h',
    text: [
      'agents: [{ id: a1, name: A }]',
      'queues:',
      '  - { id: sales, name: S, members: [{ agentId: a1 }, { agentId: ghost }], overflow: { afterSeconds: 5, target: { queue: nowhere } } }',
      '  - { id: agent.x, name: Reserved }',
      '  - { id: tz, name: TZ, hours: { timeZone: Mars/Olympus, weekly: [] } }',
      'entryPoints:',
      '  - { number: "4000", queue: sales }',
      '  - { number: "4000", agent: a1 }',
      '  - { number: "4001", queue: missing }',
      '  - { number: "4002", agent: nobody }',
    ].join('\n'),
  });
  if (r.ok) throw new Error('expected issues');
  const got = r.issues.map((i) => [i.path, i.message]);
  t.same(
    got.sort(),
    [
      ['/entryPoints/1/number', "number '4000' is listed twice"],
      ['/entryPoints/2/queue', "unknown queue 'missing'"],
      ['/entryPoints/3/agent', "unknown agent 'nobody'"],
      ['/queues/0/members/1/agentId', "unknown agent 'ghost'"],
      ['/queues/0/overflow/target/queue', "unknown queue 'nowhere'"],
      ['/queues/1/id', "queue id 'agent.x' uses the reserved prefix 'agent.'"],
      ['/queues/2/hours/timeZone', "unknown time zone 'Mars/Olympus'"],
    ].sort(),
  );
  t.ok(
    r.issues.every((i) => typeof i.hint === 'string' && i.hint.length > 0),
    'every issue has a hint',
  );
  t.end();
});

t.test('a queue, its members and entry points that all exist are accepted with defaults', (t) => {
  const r = parseConfig({
    env: {},
    hostname: 'h',
    text: [
      'agents: [{ id: a1, name: A }]',
      'queues: [{ id: q, name: Q, members: [{ agentId: a1 }] }]',
      'entryPoints: [{ number: "+4930123", queue: q }]',
    ].join('\n'),
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  t.match(r.config.queues[0], { strategy: 'longest-idle', ringTimeoutSeconds: 20, maxSize: 0 });
  t.same(r.config.entryPoints, [{ number: '+4930123', queue: 'q' }]);
  t.end();
});
