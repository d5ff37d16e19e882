import t from 'tap';
import { SUBSCRIPTION_STATES, canMove, isTransient, transition } from './subscription-fsm.js';

t.test('transient states are exactly those with a timer', (t) => {
  t.same(SUBSCRIPTION_STATES.filter(isTransient), [
    'subscribing',
    'pending',
    'active',
    'refreshing',
    'waiting-retry',
  ]);
  t.end();
});

t.test('legal moves pass, illegal ones throw a named error', (t) => {
  t.equal(transition('idle', 'subscribing', true), 'subscribing');
  t.equal(transition('active', 'refreshing', true), 'refreshing');
  t.equal(transition('refreshing', 'active', true), 'active');
  t.equal(transition('waiting-retry', 'terminated', false), 'terminated');
  t.throws(() => transition('idle', 'active', true), { code: 'illegal-subscription-transition' });
  t.throws(() => transition('waiting-retry', 'active', true), { code: 'illegal-subscription-transition' });
  t.throws(() => transition('subscribing', 'refreshing', true), { code: 'illegal-subscription-transition' });
  for (const to of SUBSCRIPTION_STATES) {
    t.notOk(canMove('terminated', to), `terminated is final (→ ${to})`);
  }
  t.end();
});

t.test('a transient state cannot be entered without its timer', (t) => {
  for (const to of SUBSCRIPTION_STATES.filter(isTransient)) {
    const from = to === 'subscribing' ? 'idle' : 'active';
    if (!canMove(from, to)) continue;
    t.throws(() => transition(from, to, false), { code: 'missing-state-timer' }, to);
  }
  t.end();
});
