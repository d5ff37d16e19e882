import fc from 'fast-check';
import t from 'tap';
import { IllegalTransitionError } from './errors.js';
import { initialHealth, isInService, moveHealth, probeAlive, stepHealth } from './health-machine.js';
import type { HealthEffect, HealthPolicy, HealthStatus } from './health-machine.js';

const POLICY: HealthPolicy = { intervalMs: 30_000, timeoutMs: 5000, failuresToDown: 3, successesToUp: 2 };

/** Sends one ping and settles it; returns the new status and every effect. */
function ping(
  s: HealthStatus,
  alive: boolean | 'timeout',
  p = POLICY,
  now = 0,
): { s: HealthStatus; effects: HealthEffect[] } {
  const due = stepHealth(s, { kind: 'probe-due' }, p, now);
  const probeId = due.status.probeInFlight ?? -1;
  const done =
    alive === 'timeout'
      ? stepHealth(due.status, { kind: 'probe-timed-out', probeId }, p, now)
      : stepHealth(due.status, { kind: 'probe-answered', probeId, alive }, p, now);
  return { s: done.status, effects: [...due.effects, ...done.effects] };
}

function run(outcomes: (boolean | 'timeout')[], p = POLICY): string[] {
  let s = initialHealth(0);
  return outcomes.map((o) => {
    s = ping(s, o, p).s;
    return s.state;
  });
}

t.test('up → suspect → down after N failures, back up after M answers', (t) => {
  t.same(run([false, false, 'timeout', true, true]), ['suspect', 'suspect', 'down', 'recovering', 'up']);
  t.same(
    run([false, true, false, false, false]),
    ['suspect', 'up', 'suspect', 'suspect', 'down'],
    'an answer resets',
  );
  t.same(run([false, false, false, true, false, true, true]), [
    'suspect',
    'suspect',
    'down',
    'recovering',
    'down',
    'recovering',
    'up',
  ]);
  t.same(run([false, true], { ...POLICY, failuresToDown: 1, successesToUp: 1 }), ['down', 'up'], 'N = M = 1');
  t.end();
});

t.test('effects: a ping with its timeout, the next ping after the interval, changes reported', (t) => {
  const start = initialHealth(0);
  const due = stepHealth(start, { kind: 'probe-due' }, POLICY, 0);
  t.same(due.effects, [
    { kind: 'send-probe', probeId: 1 },
    { kind: 'arm-probe-timeout', delayMs: 5000, probeId: 1 },
  ]);
  t.same(stepHealth(due.status, { kind: 'probe-due' }, POLICY, 1).effects, [], 'one ping at a time');
  const answered = stepHealth(due.status, { kind: 'probe-answered', probeId: 1, alive: false }, POLICY, 100);
  t.same(answered.effects, [
    { kind: 'cancel-probe-timeout' },
    { kind: 'state-changed', from: 'up', to: 'suspect' },
    { kind: 'arm-probe-due', delayMs: 30_000 },
  ]);
  t.equal(answered.status.sinceMs, 100);
  t.same(
    stepHealth(answered.status, { kind: 'probe-answered', probeId: 1, alive: true }, POLICY, 200).effects,
    [],
    'late answer ignored',
  );
  const timedOut = ping(answered.status, 'timeout', POLICY, 300);
  t.notOk(
    timedOut.effects.some((e) => e.kind === 'cancel-probe-timeout'),
    'a fired timeout is not cancelled',
  );
  t.end();
});

t.test('the transition table rejects illegal moves', (t) => {
  t.equal(moveHealth('up', 'suspect'), 'suspect');
  t.throws(() => moveHealth('up', 'recovering'), IllegalTransitionError);
  t.throws(() => moveHealth('suspect', 'recovering'), { code: 'illegal-transition' });
  t.throws(() => moveHealth('down', 'suspect'), IllegalTransitionError);
  t.end();
});

t.test('which ping answers count as alive', (t) => {
  const alive = [200, 404, 405, 481, 603].map((status) => probeAlive({ kind: 'response', status }));
  const dead = [408, 500, 503, 100, 700].map((status) => probeAlive({ kind: 'response', status }));
  t.same(alive, [true, true, true, true, true]);
  t.same(dead, [false, false, false, false, false]);
  t.notOk(probeAlive({ kind: 'timeout' }));
  t.notOk(probeAlive({ kind: 'transport-error' }));
  t.end();
});

t.test('property: out of service exactly when the declarative rule says so', (t) => {
  const policy = fc.record({
    intervalMs: fc.constant(1000),
    timeoutMs: fc.constant(100),
    failuresToDown: fc.integer({ min: 1, max: 5 }),
    successesToUp: fc.integer({ min: 1, max: 5 }),
  });
  fc.assert(
    fc.property(policy, fc.array(fc.boolean(), { maxLength: 60 }), (p, outcomes) => {
      let s = initialHealth(0);
      let inService = true;
      let failRun = 0;
      let okRun = 0;
      for (const alive of outcomes) {
        s = ping(s, alive, p).s;
        failRun = alive ? 0 : failRun + 1;
        okRun = alive ? okRun + 1 : 0;
        // The rule: out after N failures in a row while in service, back after M answers in a row.
        if (inService && failRun >= p.failuresToDown) inService = false;
        else if (!inService && okRun >= p.successesToUp) inService = true;
        if (isInService(s.state) !== inService || s.probeInFlight !== undefined) return false;
      }
      return true;
    }),
    { numRuns: 500 },
  );
  t.pass();
  t.end();
});
