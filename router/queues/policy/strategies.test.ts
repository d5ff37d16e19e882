/** One hand-built scenario per strategy, plus penalties and skill filtering. */
import t from 'tap';
import { decide } from './decide.js';
import { agent, entry, members, queue } from './routing-testkit.js';
import type { RoutingAgent } from './routing-types.js';

const NOW = 1_000_000;

function pick(
  strategy: string,
  agents: RoutingAgent[],
  extra: Record<string, unknown> = {},
  last?: string,
): string[] {
  const spec = queue({ id: 'q', strategy, members: members('a', 'b', 'c'), ...extra });
  const d = decide(
    [last === undefined ? { spec } : { spec, lastOfferedAgentId: last }],
    [entry('e1', 'q', 0)],
    agents,
    NOW,
  );
  return d.offers[0]?.agentIds.slice() ?? [];
}

t.test('longest-idle: the agent free the longest', (t) => {
  const agents = [
    agent('a', { idleSinceMs: 300 }),
    agent('b', { idleSinceMs: 100 }),
    agent('c', { idleSinceMs: 200 }),
  ];
  t.same(pick('longest-idle', agents), ['b']);
  t.end();
});

t.test('round-robin: the member after the last one offered, wrapping around', (t) => {
  const agents = [agent('a'), agent('b'), agent('c')];
  t.same(pick('round-robin', agents), ['a'], 'nobody offered yet: first member');
  t.same(pick('round-robin', agents, {}, 'a'), ['b']);
  t.same(pick('round-robin', agents, {}, 'c'), ['a'], 'wraps');
  t.same(
    pick('round-robin', [agent('a'), agent('b', { shape: 'on-call' }), agent('c')], {}, 'a'),
    ['c'],
    'skips busy b',
  );
  t.end();
});

t.test('round-robin within one decision moves on for each entry', (t) => {
  const spec = queue({ id: 'q', strategy: 'round-robin', members: members('a', 'b', 'c') });
  const d = decide(
    [{ spec, lastOfferedAgentId: 'b' }],
    [entry('e1', 'q', 0), entry('e2', 'q', 1)],
    [agent('a'), agent('b'), agent('c')],
    NOW,
  );
  t.same(
    d.offers.map((o) => o.agentIds[0]),
    ['c', 'a'],
  );
  t.same(d.lastOfferedAgentIds, { q: 'a' }, 'the cursor to store');
  t.end();
});

t.test('fewest-calls, then longest idle', (t) => {
  const agents = [
    agent('a', { callsAnswered: 3, idleSinceMs: 0 }),
    agent('b', { callsAnswered: 1, idleSinceMs: 500 }),
    agent('c', { callsAnswered: 1, idleSinceMs: 400 }),
  ];
  t.same(pick('fewest-calls', agents), ['c']);
  t.end();
});

t.test('least-talk-time, then longest idle', (t) => {
  const agents = [
    agent('a', { talkTimeMs: 10, idleSinceMs: 900 }),
    agent('b', { talkTimeMs: 50, idleSinceMs: 0 }),
    agent('c', { talkTimeMs: 10, idleSinceMs: 100 }),
  ];
  t.same(pick('least-talk-time', agents), ['c']);
  t.end();
});

t.test('ring-all: every available agent of the best tier at once', (t) => {
  const agents = [agent('a'), agent('b', { shape: 'not-ready' }), agent('c')];
  t.same(pick('ring-all', agents), ['a', 'c']);
  t.end();
});

t.test('skills: best level over the required skills, then longest idle', (t) => {
  const req = { requiredSkills: [{ skill: 'french', minLevel: 10 }] };
  const agents = [
    agent('a', { skills: { french: 50 }, idleSinceMs: 0 }),
    agent('b', { skills: { french: 90 }, idleSinceMs: 500 }),
    agent('c', { skills: { french: 90 }, idleSinceMs: 200 }),
  ];
  t.same(pick('skills', agents, req), ['c']);
  t.end();
});

t.test('skill requirements filter agents for every strategy', (t) => {
  const req = {
    requiredSkills: [
      { skill: 'french', minLevel: 60 },
      { skill: 'billing', minLevel: 0 },
    ],
  };
  const agents = [
    agent('a', { skills: { french: 59, billing: 5 }, idleSinceMs: 0 }),
    agent('b', { skills: { french: 80 }, idleSinceMs: 1 }),
    agent('c', { skills: { french: 60, billing: 0 }, idleSinceMs: 2 }),
  ];
  t.same(pick('longest-idle', agents, req), ['c'], 'a too weak, b lacks billing');
  t.same(pick('ring-all', agents, req), ['c']);
  t.end();
});

t.test('penalty: a higher penalty only when no lower one is available', (t) => {
  const m = {
    members: [
      { agentId: 'a', penalty: 5 },
      { agentId: 'b', penalty: 0 },
      { agentId: 'c', penalty: 0 },
    ],
  };
  t.same(
    pick('longest-idle', [agent('a'), agent('b', { idleSinceMs: 9 }), agent('c', { idleSinceMs: 8 })], m),
    ['c'],
  );
  t.same(pick('ring-all', [agent('a'), agent('b'), agent('c')], m), ['b', 'c']);
  t.same(
    pick(
      'longest-idle',
      [agent('a'), agent('b', { shape: 'on-call' }), agent('c', { shape: 'logged-out' })],
      m,
    ),
    ['a'],
  );
  t.end();
});

t.test('non-members are never offered', (t) => {
  t.same(pick('longest-idle', [agent('z'), agent('a', { idleSinceMs: 5 })]), ['a']);
  t.end();
});
