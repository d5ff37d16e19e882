/**
 * The embedded presence server over real SIP: patchbay's engine hosting an srf app with the server
 * attached, and srf UAC apps on a second engine as publishers (digest-authenticated PUBLISH) and
 * watchers (SUBSCRIBE dialogs). Server timers run on a FakeClock, so expiry is driven by the test.
 */
import t from 'tap';
import type { Srf as PatchbaySrf } from '../../infra/drachtio/srf-connection.js';
import { parseDialogInfo } from '../codecs/dialog-info.js';
import { parsePidf } from '../codecs/pidf.js';
import type { PidfDocument } from '../codecs/pidf-types.js';
import { computeStoredHa1, DigestAuthenticator } from '../registrar/digest.js';
import { FakeClock, systemClock } from '../../sip-engine/util/clock.js';
import { startEngineWorld } from '../../sip-tests/engine/engine-world.js';
import { waitFor } from '../../test-support/wait.js';
import { digestPresenceAuthenticator } from './auth/digest-authenticator.js';
import { overlayFromCalls } from './model/call-overlay.js';
import { PresenceServer } from './presence-server.js';
import { ALICE, BOB, CONFIRMED_CALL, DOMAIN, FakeCalls, directoryOf, pidfBody } from './testing/fakes.js';
import { publish, Watcher } from './testing/sip-clients.js';
import type { SeenNotify } from './testing/sip-clients.js';

const PIDF = 'application/pidf+xml';
const ALICE_AUTH = { username: 'alice', password: 'alice-pw' };
const BOB_AUTH = { username: 'bob', password: 'bob-pw' };

const clock = new FakeClock();
const calls = new FakeCalls();
const users = new Map([
  ['alice', computeStoredHa1('alice', DOMAIN, ALICE_AUTH.password)],
  ['bob', computeStoredHa1('bob', DOMAIN, BOB_AUTH.password)],
]);
// srf's digest client speaks MD5 only (lib/digest-client.js), so only MD5 is offered here.
const digest = new DigestAuthenticator({
  realm: DOMAIN,
  secret: 'presence-e2e-secret!',
  clock: systemClock,
  algorithms: ['MD5'],
});
const server = new PresenceServer({
  options: { domains: [DOMAIN], maxBodyBytes: 1024 },
  clock,
  authenticator: digestPresenceAuthenticator(digest, { ha1Of: (u) => users.get(u) }, DOMAIN),
  directory: directoryOf(ALICE, BOB),
  overlay: overlayFromCalls(calls),
  calls,
});

const serverWorld = await startEngineWorld(t, { transports: ['udp'] });
const clientWorld = await startEngineWorld(t, { transports: ['udp'] });
// The engine world's srf is the same class; infra's type only adds srf's untyped method handlers.
await serverWorld.connectApp((srf) => server.attach(srf as unknown as PatchbaySrf), ['publish', 'subscribe']);
serverWorld.defer(() => server.close());
const client = await clientWorld.connectApp();
const proxy = `sip:${serverWorld.hostport('udp')};transport=udp`;

function pidfOf(n: SeenNotify): PidfDocument {
  const r = parsePidf(n.body);
  if (!r.ok) throw r.error;
  return r.value;
}

const tuples = (n: SeenNotify): string[][] => pidfOf(n).tuples.map((x) => [x.id, x.basic ?? '']);

const alicePublishes = (headers: Record<string, string>, body?: string) =>
  publish(client, {
    uri: ALICE,
    proxy,
    auth: ALICE_AUTH,
    headers: { Event: 'presence', ...headers },
    ...(body === undefined ? {} : { body }),
  });

async function watch(event: string, accept: string): Promise<Watcher> {
  const w = await Watcher.subscribe(client, {
    uri: ALICE,
    proxy,
    from: BOB,
    auth: BOB_AUTH,
    event,
    headers: { Accept: accept },
  });
  if (typeof w === 'number') throw new Error(`SUBSCRIBE refused with ${w}`);
  return w;
}

const watcher = await watch('presence', PIDF);

t.test('SUBSCRIBE: 200 and an immediate NOTIFY with the neutral state', async (t) => {
  const first = await watcher.notify(0);
  t.match(first.state, /^active;expires=\d+$/);
  t.equal(first.event, 'presence');
  t.equal(first.contentType, PIDF);
  t.same(tuples(first), [['patchbay', 'closed']], 'nothing published yet: closed');
  t.equal(pidfOf(first).entity, ALICE);
});

let etag = '';

t.test(
  'PUBLISH (digest-authenticated): 200 + SIP-ETag, and the watcher gets the combined PIDF',
  async (t) => {
    const r = await alicePublishes(
      { 'Content-Type': PIDF, Expires: '600' },
      pidfBody(ALICE, { tuple: 'desk', activity: 'busy' }),
    );
    t.same([r.status, r.expires], [200, '600']);
    etag = r.etag ?? '';
    t.ok(etag.length > 0, 'SIP-ETag present');
    const n = await watcher.notify(1);
    t.same(tuples(n), [['desk', 'open']]);
    t.same(pidfOf(n).persons[0]?.activities?.activities, ['busy']);
    const second = await alicePublishes(
      { 'Content-Type': PIDF },
      pidfBody(ALICE, { tuple: 'soft', basic: 'closed' }),
    );
    t.equal(second.status, 200);
    t.same(
      tuples(await watcher.notify(2)),
      [
        ['desk', 'open'],
        ['soft', 'closed'],
      ],
      'both publications composed',
    );
    await alicePublishes({ 'SIP-If-Match': second.etag ?? '', Expires: '0' });
    t.same(tuples(await watcher.notify(3)), [['desk', 'open']], 'removal notified');
  },
);

t.test('refresh and modify; a stale entity-tag gets 412 and changes nothing', async (t) => {
  const refreshed = await alicePublishes({ 'SIP-If-Match': etag, Expires: '300' });
  t.same([refreshed.status, refreshed.expires], [200, '300']);
  t.not(refreshed.etag, etag, 'new entity-tag');
  const stale = await alicePublishes(
    { 'SIP-If-Match': etag, 'Content-Type': PIDF },
    pidfBody(ALICE, { basic: 'closed' }),
  );
  t.equal(stale.status, 412, 'the refreshed-away entity-tag is stale');
  etag = refreshed.etag ?? '';
  const modified = await alicePublishes(
    { 'SIP-If-Match': etag, 'Content-Type': PIDF },
    pidfBody(ALICE, { tuple: 'desk', basic: 'closed' }),
  );
  t.equal(modified.status, 200);
  etag = modified.etag ?? '';
  const n = await watcher.notify(4);
  t.same(
    tuples(n),
    [['desk', 'closed']],
    'the NOTIFY after the refresh is the modification: refresh and 412 notified nothing',
  );
});

t.test('bad input: the right error, stored state and watchers untouched', async (t) => {
  const before = server.store.publications(ALICE);
  const seen = watcher.notifies.length;
  const malformed = await alicePublishes(
    { 'SIP-If-Match': etag, 'Content-Type': PIDF },
    '<presence xmlns="urn:ietf:params:xml:ns:pidf"',
  );
  const wrongType = await alicePublishes({ 'SIP-If-Match': etag, 'Content-Type': 'text/plain' }, 'available');
  const oversized = await alicePublishes(
    { 'SIP-If-Match': etag, 'Content-Type': PIDF },
    pidfBody(ALICE) + ' '.repeat(2000),
  );
  const tooBrief = await alicePublishes({ 'SIP-If-Match': etag, Expires: '5' });
  const badEvent = await alicePublishes({ Event: 'dialog', 'Content-Type': PIDF }, pidfBody(ALICE));
  t.same(
    [malformed.status, wrongType.status, oversized.status, tooBrief.status, badEvent.status],
    [400, 415, 413, 423, 489],
  );
  t.equal(wrongType.header('Accept'), PIDF, '415 says what is accepted');
  t.equal(tooBrief.header('Min-Expires'), '60', '423 carries Min-Expires');
  t.equal(badEvent.header('Allow-Events'), 'presence');
  const bobForAlice = await publish(client, {
    uri: ALICE,
    proxy,
    auth: BOB_AUTH,
    headers: { Event: 'presence', From: `<${BOB}>`, 'Content-Type': PIDF },
    body: pidfBody(ALICE),
  });
  t.equal(bobForAlice.status, 403, 'only the presentity publishes its presence');
  const wrongPassword = await publish(client, {
    uri: ALICE,
    proxy,
    auth: { username: 'alice', password: 'guess' },
    headers: { Event: 'presence', 'Content-Type': PIDF },
    body: pidfBody(ALICE),
  });
  t.equal(wrongPassword.status, 401);
  t.same(server.store.publications(ALICE), before, 'stored state untouched');
  const still = await alicePublishes(
    { 'SIP-If-Match': etag, 'Content-Type': PIDF },
    pidfBody(ALICE, { tuple: 'desk' }),
  );
  t.equal(still.status, 200, 'the entity-tag still works');
  etag = still.etag ?? '';
  t.same(
    tuples(await watcher.notify(seen)),
    [['desk', 'open']],
    'the next NOTIFY is this one: none for the refusals',
  );
});

t.test(
  'SUBSCRIBE refusals: 489 with Allow-Events for an unknown package, 404 for a non-presentity',
  async (t) => {
    const badPackage = await Watcher.subscribe(client, {
      uri: ALICE,
      proxy,
      from: BOB,
      auth: BOB_AUTH,
      event: 'message-summary',
    });
    t.equal(badPackage, 489);
    const nobody = await Watcher.subscribe(client, {
      uri: `sip:carol@${DOMAIN}`,
      proxy,
      from: BOB,
      auth: BOB_AUTH,
      event: 'presence',
    });
    t.equal(nobody, 404);
  },
);

t.test(
  'dialog package (RFC 4235): a call-state change is notified; presence shows on-the-phone',
  async (t) => {
    const lamp = await watch('dialog', 'application/dialog-info+xml');
    const idle = await lamp.notify(0);
    t.equal(idle.contentType, 'application/dialog-info+xml');
    const idleDoc = parseDialogInfo(idle.body);
    t.same(idleDoc.ok && [idleDoc.value.version, idleDoc.value.state, idleDoc.value.dialogs.length], [
      0,
      'full',
      0,
    ]);
    const presenceSeen = watcher.notifies.length;
    calls.set(ALICE, [CONFIRMED_CALL]);
    const busy = parseDialogInfo((await lamp.notify(1)).body);
    t.same(
      busy.ok && [busy.value.version, busy.value.entity, busy.value.dialogs.map((d) => [d.id, d.state])],
      [1, ALICE, [['d1', 'confirmed']]],
    );
    const onPhone = await watcher.notify(presenceSeen);
    t.same(
      pidfOf(onPhone).persons.flatMap((p) => p.activities?.activities ?? []),
      ['on-the-phone'],
    );
    calls.set(ALICE, [{ ...CONFIRMED_CALL, state: 'terminated', event: 'remote-bye' }]);
    const ended = parseDialogInfo((await lamp.notify(2)).body);
    t.same(ended.ok && ended.value.dialogs.map((d) => [d.state, d.event]), [['terminated', 'remote-bye']]);
    t.equal(await lamp.resubscribe(0), 200);
    t.match((await lamp.notify(3)).state, /^terminated/);
  },
);

t.test('refresh gets a NOTIFY; expiry on the server clock ends with terminated;reason=timeout', async (t) => {
  const seen = watcher.notifies.length;
  t.equal(await watcher.resubscribe(120), 200);
  t.equal((await watcher.notify(seen)).state, 'active;expires=120');
  clock.advance(120_000);
  const last = await watcher.notify(seen + 1);
  t.equal(last.state, 'terminated;reason=timeout');
  t.equal(server.subscriptions.countFor(ALICE), 0);
});

t.test('unsubscribe (Expires: 0): 200, then the final NOTIFY', async (t) => {
  const w = await watch('presence', PIDF);
  await w.notify(0);
  t.equal(await w.resubscribe(0), 200);
  t.equal((await w.notify(1)).state, 'terminated;reason=timeout');
  await waitFor(() => server.subscriptions.countFor(ALICE) === 0, { what: 'subscription removed' });
  t.equal(
    server.subscriptions.list().length,
    0,
    'the subscription is gone once its final NOTIFY was answered',
  );
});

t.test('shutdown: every watcher gets terminated;reason=deactivated (RFC 6665 §4.2.2)', async (t) => {
  const w = await watch('presence', PIDF);
  await w.notify(0);
  await server.close();
  t.equal((await w.notify(1)).state, 'terminated;reason=deactivated');
  t.equal(server.subscriptions.list().length, 0);
  t.equal(server.store.size, 0);
});
