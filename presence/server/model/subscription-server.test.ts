import t from 'tap';
import { FakeClock } from '../../../sip-engine/util/clock.js';
import { thrownCode } from '../../../test-support/thrown.js';
import { ALICE, BOB, FakeChannel, settle } from '../testing/fakes.js';
import { SubscriptionServer } from './subscription-server.js';
import type { SubscriptionParams } from './subscription-server.js';

function world() {
  const clock = new FakeClock();
  let presence = 'P0';
  const server = new SubscriptionServer({
    clock,
    terminatingGuardMs: 40_000,
    bodies: { presence: () => presence, dialog: (p, version) => `${p} v${version}` },
  });
  const setPresence = (body: string): void => {
    presence = body;
    server.changed(ALICE, 'presence');
  };
  return { clock, server, setPresence };
}

function params(channel: FakeChannel, over: Partial<SubscriptionParams> = {}): SubscriptionParams {
  return {
    key: 'k1',
    presentity: ALICE,
    watcher: BOB,
    eventPackage: 'presence',
    expiresS: 600,
    channel,
    ...over,
  };
}

t.test('accept sends the current state at once, active with the remaining expiry', async (t) => {
  const { server } = world();
  const ch = new FakeChannel();
  const v = server.accept(params(ch));
  t.equal(v.state, 'active');
  t.same(ch.sent, [
    { subscriptionState: 'active;expires=600', contentType: 'application/pidf+xml', body: 'P0' },
  ]);
  t.equal(
    thrownCode(() => server.accept(params(ch))),
    'PresenceServerError:invalid-argument',
    'one per key',
  );
  await ch.answerNext();
  t.equal(server.get('k1')?.notifications, 1);
});

t.test(
  'one NOTIFY outstanding at a time; changes meanwhile are coalesced into the latest state',
  async (t) => {
    const { clock, server, setPresence } = world();
    const ch = new FakeChannel();
    server.accept(params(ch));
    setPresence('P1');
    setPresence('P2');
    t.equal(ch.sent.length, 1, 'nothing more while the first NOTIFY is unanswered');
    clock.advance(100_000);
    await ch.answerNext();
    t.equal(ch.sent.length, 2);
    t.same(ch.last(), {
      subscriptionState: 'active;expires=500',
      contentType: 'application/pidf+xml',
      body: 'P2',
    });
    await ch.answerNext();
    t.equal(ch.outstanding, 0);
  },
);

t.test('refresh: new expiry and an immediate NOTIFY (RFC 6665 §4.2.1.2)', async (t) => {
  const { clock, server } = world();
  const ch = new FakeChannel({ kind: 'delivered', status: 200 });
  server.accept(params(ch));
  clock.advance(500_000);
  t.ok(server.refresh('k1', 300));
  await settle();
  t.equal(ch.last()?.subscriptionState, 'active;expires=300');
  clock.advance(299_000);
  t.equal(server.get('k1')?.state, 'active', 'not expired: the refresh pushed expiry back');
  t.notOk(server.refresh('nope', 300), 'unknown key');
});

t.test('expiry by the clock: final NOTIFY terminated;reason=timeout, then gone', async (t) => {
  const { clock, server } = world();
  const ch = new FakeChannel();
  server.accept(params(ch, { expiresS: 60 }));
  await ch.answerNext();
  clock.advance(60_000);
  t.equal(server.get('k1')?.state, 'terminating');
  t.equal(ch.last()?.subscriptionState, 'terminated;reason=timeout');
  t.equal(ch.last()?.body, 'P0', 'the final NOTIFY carries the state');
  t.notOk(server.refresh('k1', 60), 'a terminating subscription cannot be refreshed');
  await ch.answerNext();
  t.equal(server.get('k1'), undefined);
  t.equal(clock.pending, 0, 'no timer left');
});

t.test('unsubscribe while a NOTIFY is in flight: the final NOTIFY follows its answer', async (t) => {
  const { server } = world();
  const ch = new FakeChannel();
  server.accept(params(ch));
  t.ok(server.unsubscribe('k1'));
  t.equal(ch.sent.length, 1);
  await ch.answerNext();
  t.equal(ch.last()?.subscriptionState, 'terminated;reason=timeout');
  await ch.answerNext();
  t.equal(server.countFor(ALICE), 0);
});

t.test(
  'a NOTIFY answered 481 removes the subscription without another NOTIFY (RFC 6665 §4.2.2)',
  async (t) => {
    const { server, setPresence } = world();
    const ch = new FakeChannel();
    server.accept(params(ch));
    setPresence('P1');
    await ch.answerNext({ kind: 'gone', status: 481 });
    t.equal(server.get('k1'), undefined);
    t.equal(ch.sent.length, 1, 'the pending change was not sent');
  },
);

t.test('a failed NOTIFY (500) keeps the subscription; a rejected send counts as gone', async (t) => {
  const { server, setPresence } = world();
  const ch = new FakeChannel();
  server.accept(params(ch));
  await ch.answerNext({ kind: 'failed', status: 500 });
  t.equal(server.get('k1')?.state, 'active');
  const broken = { send: () => Promise.reject(new Error('socket closed')) };
  server.accept(params(new FakeChannel(), { key: 'k2', channel: broken }));
  await settle();
  t.equal(server.get('k2'), undefined);
  setPresence('P1');
  t.equal(ch.sent.length, 2);
});

t.test('dialog package: version counts NOTIFYs per subscription (RFC 4235 §4.1)', async (t) => {
  const { server } = world();
  const a = new FakeChannel({ kind: 'delivered', status: 200 });
  const b = new FakeChannel({ kind: 'delivered', status: 200 });
  server.accept(params(a, { key: 'a', eventPackage: 'dialog' }));
  server.changed(ALICE, 'dialog');
  await settle();
  server.accept(params(b, { key: 'b', eventPackage: 'dialog' }));
  server.changed(ALICE, 'presence');
  await settle();
  t.same(
    a.sent.map((m) => [m.contentType, m.body]),
    [
      ['application/dialog-info+xml', `${ALICE} v0`],
      ['application/dialog-info+xml', `${ALICE} v1`],
    ],
  );
  t.same(
    b.sent.map((m) => m.body),
    [`${ALICE} v0`],
    'a presence change does not notify dialog subscriptions',
  );
});

t.test('Expires: 0 on an initial SUBSCRIBE is a fetch: one final NOTIFY with the state', async (t) => {
  const { server } = world();
  const ch = new FakeChannel({ kind: 'delivered', status: 200 });
  server.accept(params(ch, { expiresS: 0 }));
  await settle();
  t.same(ch.sent, [
    { subscriptionState: 'terminated;reason=timeout', contentType: 'application/pidf+xml', body: 'P0' },
  ]);
  t.equal(server.get('k1'), undefined);
});

t.test(
  'close: deactivated to everyone, waits for the answers; an unanswered final NOTIFY is given up by the guard',
  async (t) => {
    const { clock, server } = world();
    const answered = new FakeChannel({ kind: 'delivered', status: 200 });
    const silent = new FakeChannel();
    server.accept(params(answered, { key: 'a' }));
    server.accept(params(silent, { key: 's' }));
    await settle();
    await silent.answerNext();
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await settle();
    t.equal(answered.last()?.subscriptionState, 'terminated;reason=deactivated');
    t.equal(silent.last()?.subscriptionState, 'terminated;reason=deactivated');
    t.equal(closed, false, 'still waiting for the silent watcher');
    clock.advance(40_000);
    t.equal(server.get('s'), undefined, 'the guard timer ended it');
    await silent.answerNext();
    await closing;
    t.equal(server.list().length, 0);
    t.equal(clock.pending, 0);
  },
);
