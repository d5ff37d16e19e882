import t from 'tap';
import { thrownCode } from '../../../test-support/thrown.js';
import { subscriptionTransition, terminationReason } from './subscription.js';
import type { SubscriptionEvent, SubscriptionState } from './subscription.js';

const EVENTS: SubscriptionEvent[] = [
  'refresh',
  'unsubscribe',
  'expire',
  'shutdown',
  'notify-gone',
  'final-notify-done',
];

const ALLOWED: Record<SubscriptionState, Partial<Record<SubscriptionEvent, SubscriptionState>>> = {
  active: {
    refresh: 'active',
    unsubscribe: 'terminating',
    expire: 'terminating',
    shutdown: 'terminating',
    'notify-gone': 'terminated',
  },
  terminating: { 'notify-gone': 'terminated', 'final-notify-done': 'terminated' },
  terminated: {},
};

t.test('every (state, event) pair: the allowed move or a named error', (t) => {
  for (const state of Object.keys(ALLOWED) as SubscriptionState[]) {
    for (const event of EVENTS) {
      const expected = ALLOWED[state][event];
      if (expected)
        t.equal(subscriptionTransition(state, event), expected, `${state} --${event}--> ${expected}`);
      else {
        t.equal(
          thrownCode(() => subscriptionTransition(state, event)),
          'PresenceServerError:illegal-subscription-transition',
          `${event} in ${state} rejected`,
        );
      }
    }
  }
  t.end();
});

t.test('termination reasons (RFC 6665 §4.2.2)', (t) => {
  t.equal(terminationReason('unsubscribe'), 'timeout');
  t.equal(terminationReason('expire'), 'timeout');
  t.equal(terminationReason('shutdown'), 'deactivated');
  t.end();
});
