import fc from 'fast-check';
import t from 'tap';
import { currentGateway, recordOutcome, startAttempts } from '../model/outbound-attempts.js';
import type { AttemptOutcome, Attempts } from '../model/outbound-attempts.js';
import { IllegalTransitionError } from '../model/errors.js';
import { classifyOutcome } from './failover.js';

const res = (status: number): AttemptOutcome => ({ kind: 'response', status });

t.test('which outcomes fail over', (t) => {
  const cls = (o: AttemptOutcome) => classifyOutcome(o);
  t.same(
    [200, 202].map((s) => cls(res(s))),
    ['answered', 'answered'],
  );
  t.same(
    [500, 502, 503, 504, 408].map((s) => cls(res(s))),
    ['failover', 'failover', 'failover', 'failover', 'failover'],
  );
  t.same(
    [302, 404, 486, 487, 403, 480].map((s) => cls(res(s))),
    ['final', 'final', 'final', 'final', 'final', 'final'],
  );
  t.same(
    [600, 603, 604].map((s) => cls(res(s))),
    ['final', 'final', 'final'],
  );
  t.equal(cls({ kind: 'timeout' }), 'failover');
  t.equal(cls({ kind: 'transport-error' }), 'failover');
  t.end();
});

function walk(plan: string[], outcomes: AttemptOutcome[], max?: number): Attempts<string> {
  let a = startAttempts(plan);
  for (const o of outcomes) a = recordOutcome(a, o, classifyOutcome, max);
  return a;
}

t.test('the plan is walked on 5xx, 408 and timeouts, and stops on 4xx/6xx and answers', (t) => {
  const plan = ['a', 'b', 'c'];
  let a = walk(plan, [res(503), { kind: 'timeout' }]);
  t.equal(a.state, 'trying');
  t.equal(currentGateway(a), 'c');
  a = recordOutcome(a, res(200), classifyOutcome);
  t.equal(a.state, 'answered');
  t.same(
    a.tried.map((x) => x.gateway),
    ['a', 'b', 'c'],
  );
  t.equal(walk(plan, [res(486)]).state, 'failed', 'busy is the callee’s answer');
  t.equal(walk(plan, [res(408), res(603)]).state, 'failed');
  t.equal(walk(plan, [res(500), res(500), res(500)]).state, 'exhausted');
  t.equal(walk(plan, [res(500), res(500)], 2).state, 'exhausted', 'maxAttempts caps the walk');
  t.equal(startAttempts([]).state, 'exhausted', 'an empty plan');
  t.throws(() => recordOutcome(walk(plan, [res(200)]), res(500), classifyOutcome), IllegalTransitionError);
  t.end();
});

t.test('property: a call never fails over on 4xx (but 408) or 6xx, and never tries a gateway twice', (t) => {
  const outcome = fc.oneof(
    fc.integer({ min: 200, max: 699 }).map(res),
    fc.constantFrom<AttemptOutcome>({ kind: 'timeout' }, { kind: 'transport-error' }),
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.array(outcome, { minLength: 6, maxLength: 6 }),
      (n, outcomes) => {
        const plan = Array.from({ length: n }, (_, i) => `g${i}`);
        let a = startAttempts(plan);
        for (const o of outcomes) {
          if (a.state !== 'trying') break;
          a = recordOutcome(a, o, classifyOutcome);
        }
        const tried = a.tried.map((x) => x.gateway);
        const noRepeat = new Set(tried).size === tried.length;
        const stoppedRight = a.tried.every((x, i) => {
          const o = x.outcome;
          const isFinal =
            o.kind === 'response' &&
            (o.status < 300 || (o.status < 700 && o.status !== 408 && (o.status < 500 || o.status >= 600)));
          return !isFinal || i === a.tried.length - 1;
        });
        return noRepeat && stoppedRight;
      },
    ),
    { numRuns: 500 },
  );
  t.pass();
  t.end();
});
