import t from 'tap';
import { flush, pidfBody, presenceNotify } from '../../test-support/fake-subscription-transport.js';
import {
  WATCHED_URI as URI,
  assertTimers,
  establish,
  watcherWorld as world,
} from '../../test-support/presence-watcher-world.js';

t.test('failed SUBSCRIBE (408, 5xx, no response) → capped exponential backoff with jitter', async (t) => {
  const w = world(0.5, { retry: { baseDelayMs: 1000, maxDelayMs: 8000 } });
  w.watcher.watch([URI]);
  const delays: number[] = [];
  for (const status of [408, 500, 503, 0, 480, 408, 408]) {
    w.transport.last.fail(status);
    await flush();
    t.equal(w.state(), 'waiting-retry', `after ${status}`);
    assertTimers(t, w);
    const delay = w.statuses.at(-1)?.retryInMs ?? -1;
    delays.push(delay);
    w.clock.advance(delay);
  }
  // step = min(8000, 1000·2^n); delay = step/2 + step/2 · 0.5
  t.same(delays, [750, 1500, 3000, 6000, 6000, 6000, 6000]);
  t.equal(w.transport.attempts.length, 8, 'one new SUBSCRIBE per expired backoff');
});

t.test('jitter spans the upper half of each step', async (t) => {
  for (const [random, expected] of [
    [0, 500],
    [1, 1000],
  ] as const) {
    const w = world(random);
    w.watcher.watch([URI]);
    w.transport.last.fail(503);
    await flush();
    t.equal(w.statuses.at(-1)?.retryInMs, expected, `random ${random}`);
  }
});

t.test('Retry-After of a 503 is a lower bound for the retry', async (t) => {
  const w = world(0);
  w.watcher.watch([URI]);
  w.transport.last.fail(503, { retryAfterS: 30 });
  await flush();
  t.equal(w.statuses.at(-1)?.retryInMs, 30000);
});

t.test('final refusals are not retried and are reported', async (t) => {
  const cases = [
    [403, 'rejected'],
    [603, 'rejected'],
    [404, 'noresource'],
    [489, 'invariant'],
    [401, 'auth-required'],
  ] as const;
  for (const [status, reason] of cases) {
    const w = world();
    w.watcher.watch([URI]);
    w.transport.last.fail(status);
    await flush();
    t.equal(w.state(), 'terminated', `${status}`);
    t.match(w.statuses.at(-1), { state: 'terminated', reason, detail: `subscribe-failed:${status}` });
    w.clock.advance(24 * 3600 * 1000);
    t.equal(w.transport.attempts.length, 1, `${status}: never retried`);
  }
});

t.test('423 Interval Too Brief → SUBSCRIBE again with Min-Expires', async (t) => {
  const w = world(0, { expiresS: 60 });
  w.watcher.watch([URI]);
  w.transport.last.fail(423, { minExpiresS: 600 });
  await flush();
  t.equal(w.transport.attempts.length, 2);
  t.equal(w.transport.last.request.expiresS, 600);
});

t.test('refresh answered 481 (notifier restarted) → new subscription at once', async (t) => {
  const w = world();
  const dialog = await establish(w);
  w.clock.advance(3600 * 800);
  t.equal(w.state(), 'refreshing');
  dialog.answerRefresh({ ok: false, failure: { status: 481, reason: 'Call/Transaction Does Not Exist' } });
  await flush();
  t.ok(dialog.released, 'the dead dialog is released, not un-subscribed');
  t.notOk(dialog.unsubscribed);
  t.equal(w.transport.attempts.length, 2);
  t.match(w.statuses.at(-1), { state: 'subscribing', reason: 'refresh-failed:481' });
  const d2 = w.transport.last.accept();
  await flush();
  d2.notify(presenceNotify('active;expires=3600', pidfBody('closed', { activities: ['away'] })));
  t.equal(w.state(), 'active', 'recovered');
  t.equal(w.watcher.presence(URI)?.basic, 'closed');
});

t.test('refresh answered 408 / no response → dialog dropped, new subscription after backoff', async (t) => {
  for (const status of [408, 0]) {
    const w = world(0);
    const dialog = await establish(w);
    w.clock.advance(3600 * 800);
    dialog.answerRefresh({ ok: false, failure: { status, reason: 'timeout' } });
    await flush();
    t.ok(dialog.released, `${status}: released`);
    t.equal(w.state(), 'waiting-retry');
    w.clock.advance(500);
    t.equal(w.transport.attempts.length, 2, `${status}: new SUBSCRIBE after the backoff`);
  }
});

t.test('refresh answered 500 → old dialog un-subscribed (the notifier may still hold it)', async (t) => {
  const w = world(0);
  const dialog = await establish(w);
  w.clock.advance(3600 * 800);
  dialog.answerRefresh({ ok: false, failure: { status: 500, reason: 'Server Error' } });
  await flush();
  t.ok(dialog.unsubscribed);
  t.equal(w.state(), 'waiting-retry');
});

t.test('refresh never answered before expiry → subscription considered lost', async (t) => {
  const w = world(0);
  const dialog = await establish(w, 100);
  w.clock.advance(80 * 1000);
  t.equal(w.state(), 'refreshing');
  assertTimers(t, w);
  w.clock.advance(20 * 1000);
  t.equal(w.state(), 'waiting-retry');
  t.ok(dialog.released);
  t.match(w.statuses.at(-1), { reason: 'expired' });
  dialog.answerRefresh({ ok: true, expiresS: 100 });
  await flush();
  t.equal(w.state(), 'waiting-retry', 'a late 2xx does not revive it');
});

t.test('bad NOTIFYs get an error response and leave the last known state untouched', async (t) => {
  const w = world();
  const dialog = await establish(w);
  const before = w.watcher.presence(URI);
  const cases = [
    [presenceNotify('active', pidfBody('closed'), { contentType: 'application/xpidf+xml' }), 415],
    [presenceNotify('active', pidfBody('closed'), { contentType: undefined }), 415],
    [presenceNotify('active', '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="x"><tuple>'), 400],
    [presenceNotify('active', '<note>not pidf</note>'), 400],
    [presenceNotify('active', pidfBody('closed') + ' '.repeat(70000)), 413],
    [presenceNotify('active', pidfBody('closed'), { subscriptionState: undefined }), 400],
    [presenceNotify('active', pidfBody('closed'), { event: 'dialog' }), 489],
  ] as const;
  for (const [notify, status] of cases) {
    const answer = dialog.notify(notify);
    t.equal(answer?.status, status, `${status}: ${notify.contentType ?? '-'} ${notify.event ?? '-'}`);
  }
  t.same(dialog.notify(cases[0][0])?.headers, { Accept: 'application/pidf+xml' }, '415 lists what we accept');
  t.equal(w.watcher.presence(URI), before, 'last presence untouched');
  t.equal(w.presence.length, 1, 'nothing emitted');
  t.equal(w.state(), 'active', 'subscription state untouched');
});

t.test('NOTIFY of an older dialog is answered 481', async (t) => {
  const w = world();
  w.watcher.watch([URI]);
  const first = w.transport.last;
  first.fail(503);
  await flush();
  t.same(first.onNotify(presenceNotify('active', pidfBody('open'))), {
    status: 481,
    reason: 'Subscription Does Not Exist',
  });
  t.equal(w.presence.length, 0);
});

t.test('a terminating NOTIFY before the 2xx: the late dialog is un-subscribed', async (t) => {
  const w = world(0);
  w.watcher.watch([URI]);
  const attempt = w.transport.last;
  attempt.onNotify(presenceNotify('terminated;reason=probation;retry-after=5'));
  t.equal(w.state(), 'waiting-retry');
  const late = attempt.accept();
  await flush();
  t.ok(late.unsubscribed);
  t.equal(w.state(), 'waiting-retry');
});

t.test('stop() un-subscribes (RFC 6665 §4.1.2.3), reports stopped, and kills every timer', async (t) => {
  const w = world();
  const dialog = await establish(w);
  await w.watcher.stop();
  t.ok(dialog.unsubscribed);
  t.match(w.statuses.at(-1), { state: 'terminated', reason: 'stopped' });
  t.equal(w.clock.pending, 0);
  t.throws(() => w.watcher.watch([URI]), { code: 'watcher-stopped' });
});

t.test('stop() while subscribing: the 2xx that arrives later is un-subscribed', async (t) => {
  const w = world();
  w.watcher.watch([URI]);
  const attempt = w.transport.last;
  await w.watcher.unwatch(URI);
  t.equal(w.watcher.state(URI), undefined);
  const late = attempt.accept();
  await flush();
  t.ok(late.unsubscribed);
  t.equal(w.clock.pending, 0);
});

t.test('a throwing listener does not break the subscription', async (t) => {
  const w = world();
  w.watcher.onPresence(() => {
    throw new Error('listener bug');
  });
  await establish(w);
  t.equal(w.state(), 'active');
  t.equal(w.presence.length, 1, 'other listeners still called');
});
