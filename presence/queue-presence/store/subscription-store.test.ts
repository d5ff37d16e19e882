/**
 * Stored queue subscriptions on PGlite and PostgreSQL (migration 0007): save (and save again),
 * refresh, remove, takeAll per node (read and deleted), and the ending NOTIFY built from a row.
 */
import t from 'tap';
import type { Test } from 'tap';
import { forEachDatabase } from '../../../test-support/test-databases.js';
import type { TestDatabase } from '../../../test-support/test-databases.js';
import { endingNotify, LAST_CSEQ } from '../policy/stored-subscription.js';
import type { StoredQueueSubscription } from '../policy/stored-subscription.js';
import { createQueueSubscriptionStore } from './subscription-store.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');

const sub = (
  key: string,
  nodeId = 'n1',
  over: Partial<StoredQueueSubscription> = {},
): StoredQueueSubscription => ({
  key,
  nodeId,
  resource: 'queue:sales',
  watcher: 'sip:dave@customer.example',
  event: 'presence;id=7',
  callId: `call-${key}`,
  local: '<sip:sales@cc.example.com>;tag=ours',
  remote: '<sip:dave@customer.example>;tag=theirs',
  localContact: '<sip:127.0.0.1:5060>',
  remoteTarget: 'sip:dave@192.0.2.7:5062',
  routeSet: ['sip:proxy1.example;lr', 'sip:proxy2.example;lr'],
  expiresAtMs: NOW + 600_000,
  ...over,
});

async function suite(t: Test, db: TestDatabase): Promise<void> {
  const store = createQueueSubscriptionStore(db.handle.db);
  await store.save(sub('a'));
  await store.save(sub('a', 'n1', { watcher: 'sip:dave@elsewhere.example' })); // saved again: replaced
  await store.save(sub('b', 'n1', { routeSet: [] }));
  await store.save(sub('c', 'n2'));
  await store.refreshed('b', NOW + 900_000);
  await store.remove('missing'); // no row: nothing happens
  await store.save(sub('d'));
  await store.remove('d');
  const taken = (await store.takeAll('n1')).sort((x, y) => x.key.localeCompare(y.key));
  t.same(taken, [
    sub('a', 'n1', { watcher: 'sip:dave@elsewhere.example' }),
    sub('b', 'n1', { routeSet: [], expiresAtMs: NOW + 900_000 }),
  ]);
  t.same(await store.takeAll('n1'), [], 'taken rows are gone');
  t.same(
    (await store.takeAll('n2')).map((s) => s.key),
    ['c'],
    "another node's rows are its own",
  );
}

void forEachDatabase(t, suite);

t.test('the NOTIFY that ends a stored subscription (RFC 6665 §4.2.2, RFC 3261 §12.2.1.1)', (t) => {
  t.same(endingNotify(sub('a'), NOW), {
    uri: 'sip:dave@192.0.2.7:5062',
    proxy: 'sip:proxy1.example;lr',
    headers: {
      From: '<sip:sales@cc.example.com>;tag=ours',
      To: '<sip:dave@customer.example>;tag=theirs',
      'Call-ID': 'call-a',
      CSeq: `${LAST_CSEQ} NOTIFY`,
      Event: 'presence;id=7',
      'Subscription-State': 'terminated;reason=deactivated',
      Contact: '<sip:127.0.0.1:5060>',
    },
  });
  t.equal(LAST_CSEQ, 2147483647, 'the highest CSeq RFC 3261 §8.1.1.5 allows');
  t.equal(endingNotify(sub('b', 'n1', { routeSet: [] }), NOW)?.proxy, undefined, 'no route set: direct');
  t.equal(endingNotify(sub('x', 'n1', { expiresAtMs: NOW }), NOW), undefined, 'expired: nothing to end');
  t.end();
});
