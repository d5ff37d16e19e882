import t from 'tap';
import { FakeClock } from '../../../sip-engine/util/clock.js';
import { presenceServerConfig } from '../config.js';
import { SubscriptionServer } from '../model/subscription-server.js';
import { subscriptionKey } from '../policy/subscribe-request.js';
import {
  ALICE,
  BOB,
  DOMAIN,
  FakeChannel,
  directoryOf,
  incoming,
  settle,
  testAuthenticator,
} from '../testing/fakes.js';
import { decideSubscribe } from './subscribe-decision.js';
import type { SubscribeDeps } from './subscribe-decision.js';

function world(maxPerPresentity = 10) {
  const clock = new FakeClock();
  const subscriptions = new SubscriptionServer({
    clock,
    bodies: { presence: () => '<pidf/>', dialog: (_p, v) => `<dialog-info v${v}/>` },
  });
  const deps: SubscribeDeps = {
    config: presenceServerConfig({ domains: [DOMAIN], subscription: { maxPerPresentity } }),
    subscriptions,
    directory: directoryOf(ALICE),
    authenticator: testAuthenticator,
  };
  const subscribe = (headers: Record<string, string>, uri = `sip:alice@${DOMAIN}`) =>
    decideSubscribe(
      deps,
      incoming('SUBSCRIBE', uri, {
        'Call-ID': 'c1',
        From: `<${BOB}>;tag=bt`,
        To: `<${ALICE}>`,
        Event: 'presence',
        Authorization: 'Test bob',
        ...headers,
      }),
    );
  return { clock, subscriptions, subscribe };
}

t.test('an acceptable initial SUBSCRIBE: 200 with the chosen Expires and a plan', async (t) => {
  const { subscribe } = world();
  const d = await subscribe({ Expires: '99999', Accept: 'application/pidf+xml' });
  t.equal(d.kind, 'accept');
  if (d.kind !== 'accept') return;
  t.same([d.reply.status, d.reply.headers], [200, { Expires: '7200' }], 'shortened to the maximum');
  t.same(d.plan, {
    presentity: ALICE,
    watcher: BOB,
    eventPackage: 'presence',
    eventId: undefined,
    expiresS: 7200,
    callId: 'c1',
    remoteTag: 'bt',
  });
  const dialog = await subscribe({ Event: 'dialog;id=3', Accept: 'application/dialog-info+xml' });
  t.match(dialog, { kind: 'accept', plan: { eventPackage: 'dialog', eventId: '3', expiresS: 3600 } });
});

t.test('initial refusals', async (t) => {
  const { subscribe } = world();
  const cases: [string, Record<string, string>, number, Record<string, string>?][] = [
    ['no Event', { Event: '' }, 400],
    ['unknown package', { Event: 'message-summary' }, 489, { 'Allow-Events': 'presence, dialog' }],
    ['template package', { Event: 'presence.winfo' }, 489],
    ['not authenticated', { Authorization: '' }, 401],
    ['not of the domain', { Authorization: 'Test mallory@evil.example' }, 403],
    ['format not accepted', { Accept: 'application/xpidf+xml' }, 406, { Accept: 'application/pidf+xml' }],
    ['too brief', { Expires: '5' }, 423, { 'Min-Expires': '60' }],
    ['no From tag', { From: `<${BOB}>` }, 400],
  ];
  for (const [what, headers, status, replyHeaders] of cases) {
    const d = await subscribe(headers);
    t.equal(d.kind === 'reject' ? d.reply.status : d.kind, status, what);
    if (replyHeaders && d.kind === 'reject') t.same(d.reply.headers, replyHeaders, `${what}: headers`);
  }
  t.equal((await subscribe({}, `sip:carol@${DOMAIN}`)).kind === 'reject', true);
  const unknown = await subscribe({}, `sip:carol@${DOMAIN}`);
  t.equal(unknown.kind === 'reject' && unknown.reply.status, 404, 'not a presentity');
});

t.test('capacity per presentity: 503 with Retry-After', async (t) => {
  const { subscriptions, subscribe } = world(1);
  const ch = new FakeChannel({ kind: 'delivered', status: 200 });
  subscriptions.accept({
    key: 'k',
    presentity: ALICE,
    watcher: BOB,
    eventPackage: 'presence',
    expiresS: 60,
    channel: ch,
  });
  const d = await subscribe({});
  t.same(d.kind === 'reject' && [d.reply.status, d.reply.headers], [503, { 'Retry-After': '60' }]);
});

t.test('in-dialog: refresh, unsubscribe, and 481 for an unknown dialog', async (t) => {
  const { subscriptions, subscribe } = world();
  const ch = new FakeChannel({ kind: 'delivered', status: 200 });
  const key = subscriptionKey({
    callId: 'c1',
    remoteTag: 'bt',
    localTag: 'at',
    eventType: 'presence',
    eventId: undefined,
  });
  subscriptions.accept({
    key,
    presentity: ALICE,
    watcher: BOB,
    eventPackage: 'presence',
    expiresS: 600,
    channel: ch,
  });
  await settle();
  const inDialog = { To: `<${ALICE}>;tag=at`, Authorization: '' };
  const refresh = await subscribe({ ...inDialog, Expires: '120' });
  t.equal(refresh.kind, 'update', 'no re-authentication inside the dialog');
  if (refresh.kind !== 'update') return;
  t.same([refresh.reply.status, refresh.reply.headers], [200, { Expires: '120' }]);
  t.equal(ch.sent.length, 1, 'nothing sent before the 200 went out');
  refresh.apply();
  await settle();
  t.equal(ch.last()?.subscriptionState, 'active;expires=120', 'RFC 6665 §4.2.1.2: NOTIFY after a refresh');
  const tooBrief = await subscribe({ ...inDialog, Expires: '3' });
  t.equal(tooBrief.kind === 'reject' && tooBrief.reply.status, 423);
  const otherEvent = await subscribe({ ...inDialog, Event: 'dialog' });
  t.equal(
    otherEvent.kind === 'reject' && otherEvent.reply.status,
    481,
    'no dialog-package subscription here',
  );
  const bye = await subscribe({ ...inDialog, Expires: '0' });
  t.equal(bye.kind, 'update');
  if (bye.kind === 'update') bye.apply();
  await settle();
  t.equal(ch.last()?.subscriptionState, 'terminated;reason=timeout');
  const again = await subscribe({ ...inDialog, Expires: '60' });
  t.equal(again.kind === 'reject' && again.reply.status, 481, 'gone after unsubscribing');
});
