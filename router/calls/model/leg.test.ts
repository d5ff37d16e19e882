import t from 'tap';
import { isPending, NEW_LEG, transitionLeg } from './leg.js';
import type { Leg, LegEvent } from './leg.js';

function run(events: LegEvent[]): Leg {
  return events.reduce((l, e) => {
    const r = transitionLeg(l, e);
    if (!r.ok) throw new Error(r.message);
    return r.leg;
  }, NEW_LEG);
}

t.test('a leg rings, is answered and hung up', (t) => {
  t.equal(run([{ type: 'provisional' }, { type: 'answered' }]).state, 'answered');
  t.equal(run([{ type: 'provisional' }, { type: 'answered' }, { type: 'hangup' }]).state, 'ended');
  t.end();
});

t.test('CANCEL: 487 ends it; a 2xx that crossed the CANCEL is discarded with BYE (RFC 3261 §9.1)', (t) => {
  t.equal(
    run([{ type: 'provisional' }, { type: 'cancel' }, { type: 'rejected', status: 487 }]).state,
    'ended',
  );
  const raced = run([{ type: 'cancel' }, { type: 'answered' }]);
  t.equal(raced.state, 'discarding');
  t.equal(run([{ type: 'cancel' }, { type: 'answered' }, { type: 'hangup' }]).state, 'ended');
  t.end();
});

t.test('a losing 2xx is discarded; failures keep their status', (t) => {
  t.equal(run([{ type: 'answered' }, { type: 'discard' }]).state, 'discarding');
  t.same(run([{ type: 'rejected', status: 486 }]), { state: 'failed', status: 486 });
  t.end();
});

t.test('illegal moves are refused', (t) => {
  t.match(transitionLeg(run([{ type: 'rejected', status: 486 }]), { type: 'answered' }), { ok: false });
  t.match(transitionLeg(run([{ type: 'answered' }]), { type: 'cancel' }), {
    ok: false,
    code: 'illegal-state',
  });
  t.match(transitionLeg(NEW_LEG, { type: 'hangup' }), { ok: false });
  t.ok(isPending(NEW_LEG));
  t.notOk(isPending(run([{ type: 'cancel' }])));
  t.end();
});
