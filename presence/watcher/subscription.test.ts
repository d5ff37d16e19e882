import t from 'tap';
import { flush, pidfBody, presenceNotify } from '../../test-support/fake-subscription-transport.js';
import {
  WATCHED_URI as URI,
  assertTimers,
  establish,
  watcherWorld as world,
} from '../../test-support/presence-watcher-world.js';

t.test(
  'SUBSCRIBE carries the requested Expires; first NOTIFY makes it active and emits presence',
  async (t) => {
    const w = world();
    w.watcher.watch([URI, URI]);
    t.equal(w.transport.attempts.length, 1, 'one SUBSCRIBE for a URI given twice');
    t.same(w.transport.last.request, { uri: URI, expiresS: 3600 });
    t.equal(w.state(), 'subscribing');
    assertTimers(t, w);
    const dialog = w.transport.last.accept(3600);
    await flush();
    t.equal(w.state(), 'subscribing', 'a 2xx alone is not yet a confirmed state (RFC 6665 §4.1.2.4)');
    const answer = dialog.notify(
      presenceNotify('active;expires=3600', pidfBody('open', { activities: ['away'] })),
    );
    t.same(answer, { status: 200 });
    t.equal(w.state(), 'active');
    assertTimers(t, w);
    t.equal(w.presence.length, 1);
    t.match(w.presence[0], { uri: URI, basic: 'open', activities: ['away'] });
    t.equal(w.watcher.presence(URI), w.presence[0]);
  },
);

t.test('refresh fires at 80 % (random 0) and 90 % (random 1) of the granted lifetime', async (t) => {
  for (const [random, fraction] of [
    [0, 0.8],
    [1, 0.9],
  ] as const) {
    const w = world(random);
    const dialog = await establish(w, 1000);
    w.clock.advance(1000 * 1000 * fraction - 1);
    t.equal(dialog.refreshes.length, 0, `no refresh before ${fraction}`);
    w.clock.advance(1);
    t.equal(dialog.refreshes.length, 1, `refresh at ${fraction}`);
    t.equal(dialog.refreshes[0]?.expiresS, 3600, 'refresh asks for the configured Expires again');
    t.equal(w.state(), 'refreshing');
    assertTimers(t, w);
    dialog.answerRefresh({ ok: true, expiresS: 600 });
    await flush();
    t.equal(w.state(), 'active');
    w.clock.advance(600 * 1000 * fraction - 1);
    t.equal(dialog.refreshes.length, 1);
    w.clock.advance(1);
    t.equal(dialog.refreshes.length, 2, 'next refresh follows the newly granted 600 s');
  }
});

t.test('a NOTIFY expires parameter re-arms the refresh timer', async (t) => {
  const w = world();
  const dialog = await establish(w, 3600);
  dialog.notify(presenceNotify('active;expires=100', pidfBody('open')));
  w.clock.advance(80 * 1000);
  t.equal(dialog.refreshes.length, 1, 'refresh at 80 % of the 100 s the NOTIFY reported');
});

t.test('pending then active', async (t) => {
  const w = world();
  w.watcher.watch([URI]);
  const dialog = w.transport.last.accept();
  await flush();
  dialog.notify(presenceNotify('pending;expires=3600'));
  t.equal(w.state(), 'pending');
  t.equal(w.presence.length, 0, 'a pending NOTIFY without body says nothing about presence');
  assertTimers(t, w);
  dialog.notify(presenceNotify('active;expires=3600', pidfBody('closed')));
  t.equal(w.state(), 'active');
  t.equal(w.presence[0]?.basic, 'closed');
});

t.test('an active NOTIFY without body reports unknown presence', async (t) => {
  const w = world();
  const dialog = await establish(w);
  dialog.notify(presenceNotify('active;expires=3500'));
  t.equal(w.presence.at(-1)?.basic, 'unknown');
});

t.test('Timer N: no NOTIFY after the 2xx → attempt failed, dialog un-subscribed, retry later', async (t) => {
  const w = world(0, { notifyWaitMs: 5000 });
  w.watcher.watch([URI]);
  const dialog = w.transport.last.accept();
  await flush();
  w.clock.advance(4999);
  t.equal(w.state(), 'subscribing');
  w.clock.advance(1);
  t.equal(w.state(), 'waiting-retry');
  t.ok(dialog.unsubscribed, 'the silent dialog is un-subscribed');
  t.match(w.statuses.at(-1), { state: 'waiting-retry', reason: 'no-notify', retryInMs: 500 });
  assertTimers(t, w);
  w.clock.advance(500);
  t.equal(w.transport.attempts.length, 2, 'new SUBSCRIBE after the backoff');
  t.equal(dialog.notify(presenceNotify('active', pidfBody('open'))), undefined, 'old dialog closed');
});

const RESUBSCRIBE_NOW = ['deactivated', 'timeout'];
for (const reason of RESUBSCRIBE_NOW) {
  t.test(`terminated;reason=${reason} → new SUBSCRIBE at once (RFC 6665 §4.1.3)`, async (t) => {
    const w = world();
    const dialog = await establish(w);
    const answer = dialog.notify(presenceNotify(`terminated;reason=${reason}`));
    t.same(answer, { status: 200 });
    t.ok(dialog.released, 'ended dialog released, not un-subscribed');
    t.notOk(dialog.unsubscribed);
    t.equal(w.transport.attempts.length, 2);
    t.equal(w.state(), 'subscribing');
    t.match(w.statuses.at(-1), { state: 'subscribing', reason });
    t.equal(w.watcher.presence(URI)?.basic, 'open', 'last known presence kept');
  });
}

for (const reason of ['probation', 'giveup']) {
  t.test(`terminated;reason=${reason};retry-after=120 → new SUBSCRIBE after 120 s`, async (t) => {
    const w = world();
    const dialog = await establish(w);
    dialog.notify(presenceNotify(`terminated;reason=${reason};retry-after=120`));
    t.equal(w.state(), 'waiting-retry');
    t.match(w.statuses.at(-1), { reason, retryInMs: 120000 });
    assertTimers(t, w);
    w.clock.advance(119999);
    t.equal(w.transport.attempts.length, 1);
    w.clock.advance(1);
    t.equal(w.transport.attempts.length, 2);
    t.equal(w.state(), 'subscribing');
  });
  t.test(`terminated;reason=${reason} without retry-after → backoff`, async (t) => {
    const w = world(1);
    const dialog = await establish(w);
    dialog.notify(presenceNotify(`terminated;reason=${reason}`));
    t.match(w.statuses.at(-1), { state: 'waiting-retry', retryInMs: 1000 });
  });
}

for (const reason of ['rejected', 'noresource', 'invariant']) {
  t.test(`terminated;reason=${reason} → no retry, reported`, async (t) => {
    const w = world();
    const dialog = await establish(w);
    dialog.notify(presenceNotify(`terminated;reason=${reason}`));
    t.equal(w.state(), 'terminated');
    t.match(w.statuses.at(-1), { state: 'terminated', reason });
    assertTimers(t, w);
    w.clock.advance(7 * 24 * 3600 * 1000);
    t.equal(w.transport.attempts.length, 1, 'never re-subscribed');
    t.equal(dialog.notify(presenceNotify('active')), undefined);
  });
}

t.test('terminated with an unknown or no reason → backoff', async (t) => {
  for (const state of ['terminated;reason=whatever', 'terminated']) {
    const w = world(0);
    const dialog = await establish(w);
    dialog.notify(presenceNotify(state));
    t.match(w.statuses.at(-1), { state: 'waiting-retry', retryInMs: 500 }, state);
  }
});

t.test('re-subscriptions at once are capped: then the backoff applies', async (t) => {
  const w = world(0, { retry: { maxImmediateRetries: 2 } });
  await establish(w);
  for (let i = 0; i < 2; i++) {
    const a = w.transport.last;
    const d = a.dialog ?? a.accept();
    await flush();
    d.notify(presenceNotify('terminated;reason=deactivated'));
  }
  t.equal(w.transport.attempts.length, 3, 'two immediate re-subscriptions');
  const d = w.transport.last.accept();
  await flush();
  d.notify(presenceNotify('terminated;reason=deactivated'));
  t.equal(w.state(), 'waiting-retry', 'third in a row waits');
  t.equal(w.transport.attempts.length, 3);
});

t.test('a subscription that stayed active long enough resets the count', async (t) => {
  const w = world(0, { retry: { maxImmediateRetries: 1 } });
  const d1 = await establish(w);
  d1.notify(presenceNotify('terminated;reason=timeout'));
  t.equal(w.state(), 'subscribing', 'first: at once');
  const d2 = w.transport.last.accept();
  await flush();
  d2.notify(presenceNotify('active;expires=3600', pidfBody('open')));
  w.clock.advance(60000);
  d2.notify(presenceNotify('terminated;reason=timeout'));
  t.equal(w.state(), 'subscribing', 'after 60 s of health: at once again');
});
