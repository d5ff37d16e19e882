/** Hand-built scenarios for the rules of decide() and admit(). */
import t from 'tap';
import { admit, decide } from './decide.js';
import { agent, entry, members, offering, queue } from './routing-testkit.js';

const NOW = 1_000_000;
const sales = queue({ id: 'sales', members: members('a', 'b'), ringTimeoutSeconds: 15 });
const support = queue({ id: 'support', members: members('a', 'b') });

t.test('an offer carries the ring timeout and the queue wrap-up', (t) => {
  const withWrap = queue({ id: 'sales', members: members('a'), ringTimeoutSeconds: 15, wrapUpSeconds: 45 });
  const d = decide([{ spec: withWrap }], [entry('e1', 'sales', 0)], [agent('a')], NOW);
  t.same(d.offers, [
    {
      entryId: 'e1',
      queueId: 'sales',
      agentIds: ['a'],
      ringTimeoutMs: 15_000,
      wrapUpMs: 45_000,
      reason: 'strategy',
    },
  ]);
  const plain = decide([{ spec: sales }], [entry('e1', 'sales', 0)], [agent('a')], NOW);
  t.equal(plain.offers[0]?.wrapUpMs, undefined, "no override: the agent's own wrap-up");
  t.end();
});

t.test('fair across queues: the oldest waiting first, then priority', (t) => {
  const entries = [entry('s1', 'sales', 300), entry('p1', 'support', 100), entry('p2', 'support', 200)];
  const d = decide([{ spec: sales }, { spec: support }], entries, [agent('a', { idleSinceMs: 0 })], NOW);
  t.same(
    d.offers.map((o) => o.entryId),
    ['p1'],
    'one agent: the oldest entry',
  );
  const tie = [entry('s1', 'sales', 100, { priority: 1 }), entry('p1', 'support', 100, { priority: 5 })];
  t.same(
    decide([{ spec: sales }, { spec: support }], tie, [agent('a')], NOW).offers.map((o) => o.entryId),
    ['p1'],
  );
  t.end();
});

t.test('within a queue, caller priority goes before age', (t) => {
  const entries = [entry('old', 'sales', 0), entry('vip', 'sales', 500, { priority: 9 })];
  t.same(
    decide([{ spec: sales }], entries, [agent('a')], NOW).offers.map((o) => o.entryId),
    ['vip'],
  );
  t.end();
});

t.test('never two offers to one agent', (t) => {
  const entries = [entry('s1', 'sales', 0), entry('p1', 'support', 1), entry('s2', 'sales', 2)];
  const d = decide([{ spec: sales }, { spec: support }], entries, [agent('a'), agent('b')], NOW);
  t.same(
    d.offers.map((o) => [o.entryId, o.agentIds]),
    [
      ['s1', ['a']],
      ['p1', ['b']],
    ],
  );
  const ringing = [offering('s0', 'sales', 0, ['a']), entry('s1', 'sales', 1)];
  t.same(
    decide([{ spec: sales }], ringing, [agent('a'), agent('b')], NOW).offers.map((o) => o.agentIds),
    [['b']],
    'a is ringing for s0',
  );
  const chatQ = queue({ id: 'chat', channel: 'chat', members: members('a', 'b') });
  const d2 = decide(
    [{ spec: chatQ }],
    [entry('c1', 'chat', 0)],
    [agent('a', { shape: 'reserved' }), agent('b', { idleSinceMs: 9 })],
    NOW,
  );
  t.same(
    d2.offers.map((o) => o.agentIds),
    [['b']],
    'a has a chat slot free but holds a reservation',
  );
  t.end();
});

t.test('no-answer, decline and busy move to the next agent; all tried starts over', (t) => {
  const agents = [agent('a', { idleSinceMs: 0 }), agent('b', { idleSinceMs: 5 })];
  t.same(
    decide([{ spec: sales }], [entry('e', 'sales', 0, { tried: ['a'] })], agents, NOW).offers[0]?.agentIds,
    ['b'],
  );
  t.same(
    decide([{ spec: sales }], [entry('e', 'sales', 0, { tried: ['a', 'b'] })], agents, NOW).offers[0]
      ?.agentIds,
    ['a'],
  );
  const onlyA = [agents[0]!, agent('b', { shape: 'on-call' })];
  t.same(
    decide([{ spec: sales }], [entry('e', 'sales', 0, { tried: ['a'] })], onlyA, NOW).offers[0]?.agentIds,
    ['a'],
    'a is the only one left',
  );
  t.end();
});

t.test('personal manager: first when available, with its own ring time, then the queue', (t) => {
  const spec = queue({ id: 'sales', members: members('a'), personalManagerSeconds: 8 });
  const agents = [agent('a'), agent('pm', { customers: ['+4420'], idleSinceMs: 9e9 })];
  const e = entry('e', 'sales', 0, { caller: '+4420' });
  t.match(decide([{ spec }], [e], agents, NOW).offers, [
    { agentIds: ['pm'], ringTimeoutMs: 8000, reason: 'personal-manager' },
  ]);
  const tried = { ...e, tried: ['pm'] };
  t.match(
    decide([{ spec }], [tried], agents, NOW).offers,
    [{ agentIds: ['a'], reason: 'strategy' }],
    'after the PM failed',
  );
  const busyPm = [agent('a'), agent('pm', { customers: ['+4420'], shape: 'on-call' })];
  t.match(decide([{ spec }], [e], busyPm, NOW).offers, [{ agentIds: ['a'] }], 'PM busy: the queue');
  const off = queue({ id: 'sales', members: members('a'), personalManagerSeconds: 0 });
  t.match(decide([{ spec: off }], [e], agents, NOW).offers, [{ agentIds: ['a'] }], 'disabled');
  t.end();
});

t.test('overflow after the threshold with no agent', (t) => {
  const spec = queue({
    id: 'sales',
    members: members('a'),
    overflow: { afterSeconds: 30, target: { numbers: ['+3312'] } },
  });
  const busy = [agent('a', { shape: 'on-call' })];
  t.same(decide([{ spec }], [entry('e', 'sales', NOW - 29_999)], busy, NOW).outcomes, [], 'not yet');
  t.same(decide([{ spec }], [entry('e', 'sales', NOW - 30_000)], busy, NOW).outcomes, [
    {
      entryId: 'e',
      queueId: 'sales',
      cause: 'overflow',
      action: { action: 'overflow', target: { numbers: ['+3312'] } },
    },
  ]);
  t.same(
    decide([{ spec }], [entry('e', 'sales', NOW - 60_000)], [agent('a')], NOW).outcomes,
    [],
    'an agent is free: offered instead',
  );
  t.end();
});

t.test('maximum wait: configured action or 408', (t) => {
  const spec = queue({ id: 'sales', members: members('a'), maxWaitSeconds: 60 });
  const d = decide([{ spec }], [entry('e', 'sales', NOW - 60_000)], [agent('a')], NOW);
  t.same(d.offers, [], 'no offer past the maximum wait');
  t.match(d.outcomes, [{ cause: 'max-wait', action: { action: 'reject', status: 408 } }]);
  const toQ = queue({
    id: 'sales',
    members: members('a'),
    maxWaitSeconds: 60,
    onMaxWait: { action: 'overflow', target: { queue: 'b' } },
  });
  t.match(decide([{ spec: toQ }], [entry('e', 'sales', 0)], [], NOW).outcomes, [
    { action: { action: 'overflow', target: { queue: 'b' } } },
  ]);
  t.end();
});

t.test('no agents while waiting: everyone logged out', (t) => {
  const spec = queue({ id: 'sales', members: members('a'), onNoAgents: { action: 'reject', status: 486 } });
  t.match(
    decide([{ spec }], [entry('e', 'sales', NOW)], [agent('a', { shape: 'logged-out' })], NOW).outcomes,
    [{ cause: 'no-agents', action: { status: 486 } }],
  );
  t.same(
    decide([{ spec }], [entry('e', 'sales', NOW)], [agent('a', { shape: 'on-call' })], NOW).outcomes,
    [],
    'busy is staffed',
  );
  t.end();
});

t.test('admit: closed, full, no agents, admitted', (t) => {
  const hours = { timeZone: 'UTC', weekly: [{ days: ['mon'], open: '09:00', close: '17:00' }], holidays: [] };
  const spec = queue({
    id: 'sales',
    members: members('a'),
    maxSize: 1,
    hours,
    onFull: { action: 'overflow', target: { queue: 'x' } },
  });
  const monday10 = Date.parse('2026-11-23T10:00:00Z');
  t.match(admit(spec, [], [agent('a')], Date.parse('2026-11-23T18:00:00Z')), {
    admitted: false,
    cause: 'closed',
    action: { status: 480 },
  });
  t.match(admit(spec, [offering('e', 'sales', 0, ['a'])], [agent('a')], monday10), {
    admitted: false,
    cause: 'full',
    action: { action: 'overflow' },
  });
  t.match(admit(spec, [], [agent('a', { shape: 'logged-out' })], monday10), {
    admitted: false,
    cause: 'no-agents',
  });
  t.same(admit(spec, [entry('other', 'support', 0)], [agent('a')], monday10), { admitted: true });
  t.end();
});
