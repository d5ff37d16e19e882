import t from 'tap';
import { pidfBody, presenceNotify } from '../../../test-support/fake-subscription-transport.js';
import { checkNotify } from './notify-check.js';
import { parseSubscriptionState } from './subscription-state.js';

t.test('Subscription-State parsing (RFC 6665 §8.2.3)', (t) => {
  t.same(parseSubscriptionState('active;expires=300'), { state: 'active', raw: 'active', expiresS: 300 });
  t.same(parseSubscriptionState(' Terminated ; Reason = Probation ; retry-after=60'), {
    state: 'terminated',
    raw: 'terminated',
    retryAfterS: 60,
    reason: 'probation',
  });
  t.same(
    parseSubscriptionState('waiting;expires=x'),
    { state: 'pending', raw: 'waiting' },
    'extension → pending',
  );
  t.equal(parseSubscriptionState(undefined), undefined);
  t.equal(parseSubscriptionState(''), undefined);
  t.equal(parseSubscriptionState('act ive'), undefined);
  t.end();
});

t.test('an acceptable NOTIFY yields state and document', (t) => {
  const v = checkNotify(presenceNotify('active;expires=60', pidfBody('open')), 65536);
  t.equal(v.kind, 'accept');
  if (v.kind !== 'accept') return;
  t.equal(v.state.expiresS, 60);
  t.equal(v.document?.tuples[0]?.basic, 'open');
  const empty = checkNotify(presenceNotify('pending'), 65536);
  t.match(empty, { kind: 'accept', document: undefined });
  const typed = checkNotify(
    presenceNotify('active', pidfBody('open'), {
      contentType: 'Application/PIDF+XML; charset=UTF-8',
      event: 'Presence;id=1',
    }),
    65536,
  );
  t.equal(typed.kind, 'accept', 'type and event compared without parameters, case-insensitively');
  t.end();
});

t.test('rejections carry the RFC response', (t) => {
  const cases = [
    [presenceNotify('active', pidfBody('open'), { event: undefined }), 489],
    [presenceNotify('active', pidfBody('open'), { subscriptionState: 'a b' }), 400],
    [presenceNotify('active', pidfBody('open'), { contentType: 'text/plain' }), 415],
    [presenceNotify('active', pidfBody('open')), 413, 100],
    [presenceNotify('active', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'), 400],
    [presenceNotify('active', 'not xml at all'), 400],
    [presenceNotify('active', '<presence xmlns="urn:ietf:params:xml:ns:pidf"/>'), 400],
  ] as const;
  for (const [n, status, max] of cases) {
    const v = checkNotify(n, max ?? 65536);
    t.equal(
      v.kind === 'reject' ? v.answer.status : 200,
      status,
      `${status}: ${v.kind === 'reject' ? v.detail : ''}`,
    );
  }
  t.end();
});
