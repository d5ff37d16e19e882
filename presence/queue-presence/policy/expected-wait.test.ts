import t from 'tap';
import type { Test } from 'tap';
import { erlangAConditionalWaitS, erlangC, erlangCWaitS, expectedWait } from './expected-wait.js';
import type { WindowFigures } from './expected-wait.js';

const none: WindowFigures = {
  completed: 0,
  talkMsTotal: 0,
  abandoned: 0,
  waitMsTotal: 0,
  answered: 0,
  answeredWaitMsTotal: 0,
};
const close = (t: Test, got: number, want: number, msg: string) =>
  t.ok(Math.abs(got - want) < 1e-9, `${msg}: ${got} ≈ ${want}`);

t.test('Erlang C by hand', (t) => {
  // n = 1: C = a (M/M/1). n = 2, a = 1: C = (1/2 · 2) / (1 + 1 + 1) = 1/3.
  close(t, erlangC(1, 0.5), 0.5, 'C(1, 0.5)');
  close(t, erlangC(2, 1), 1 / 3, 'C(2, 1)');
  // M/M/1, λ = 0.5, μ = 1: W = 0.5 / (1 − 0.5) = 1 s. M/M/2, λ = μ = 1: W = (1/3) / (2 − 1) = 1/3 s.
  close(t, erlangCWaitS(1, 0.5, 1), 1, 'W M/M/1');
  close(t, erlangCWaitS(2, 1, 1), 1 / 3, 'W M/M/2');
  t.equal(erlangCWaitS(1, 1, 1), Number.POSITIVE_INFINITY, 'unstable');
  t.end();
});

t.test('Erlang A conditional wait by hand', (t) => {
  // θ = 0: (k+1)/(nμ). 2 agents, μ = 1/120, 3 ahead: 4 · 60 = 240 s.
  close(t, erlangAConditionalWaitS(3, 2, 1 / 120, 0), 240, 'no abandonment');
  // 1 agent, μ = 1/60, θ = 1/60, 1 ahead: 1/(1/60) + 1/(2/60) = 60 + 30 = 90 s.
  close(t, erlangAConditionalWaitS(1, 1, 1 / 60, 1 / 60), 90, 'with abandonment');
  t.end();
});

t.test('expectedWait picks its method', (t) => {
  const live = { depth: 0, availableAgents: 1, loggedInAgents: 1, longestWaitMs: 0, figures: none };
  t.same(expectedWait(live), { known: true, seconds: 0, method: 'agent-free' });
  t.same(expectedWait({ ...live, availableAgents: 0, loggedInAgents: 0 }), {
    known: false,
    reason: 'no-agents',
  });
  t.same(expectedWait({ ...live, availableAgents: 0 }), { known: false, reason: 'no-data' });
  t.same(expectedWait({ ...live, availableAgents: 0, depth: 2, longestWaitMs: 42_400 }), {
    known: true,
    seconds: 42,
    method: 'longest-wait',
  });
  const observed = { ...none, answered: 2, answeredWaitMsTotal: 50_000, waitMsTotal: 50_000 };
  t.same(expectedWait({ ...live, availableAgents: 0, figures: observed }), {
    known: true,
    seconds: 25,
    method: 'observed',
  });
  // 6 completed calls of 60 s (μ = 1/60); 2 abandoned over 120 s of total waiting (θ = 1/60);
  // 1 agent, 1 waiting: the next caller is 2nd → 60 + 30 = 90 s.
  const rich = {
    ...none,
    completed: 6,
    talkMsTotal: 360_000,
    abandoned: 2,
    waitMsTotal: 120_000,
    answered: 6,
    answeredWaitMsTotal: 60_000,
  };
  t.same(expectedWait({ ...live, availableAgents: 0, depth: 1, figures: rich }), {
    known: true,
    seconds: 90,
    method: 'erlang-a',
  });
  t.same(
    expectedWait({ ...live, availableAgents: 0, depth: 1, figures: rich, minCompletedCalls: 7 }),
    { known: true, seconds: 10, method: 'observed' },
    'below minCompletedCalls: observed waits',
  );
  t.end();
});
