import t from 'tap';
import { FakeClock } from '../../../sip-engine/util/clock.js';
import { presenceServerConfig } from '../config.js';
import { PublicationStore } from '../model/publication-store.js';
import { silentLogger } from '../ports.js';
import { ALICE, BOB, DOMAIN, directoryOf, incoming, pidfBody, testAuthenticator } from '../testing/fakes.js';
import { answerPublish } from './publish-handler.js';
import type { PublishDeps } from './publish-handler.js';

const PIDF = 'application/pidf+xml';

function world() {
  const clock = new FakeClock();
  const config = presenceServerConfig({ domains: [DOMAIN], maxBodyBytes: 2048 });
  const store = new PublicationStore({ clock, maxPerPresentity: 4 });
  const deps: PublishDeps = {
    config,
    store,
    directory: directoryOf(ALICE, BOB),
    authenticator: testAuthenticator,
    log: silentLogger,
  };
  const publish = (headers: Record<string, string>, body = '', uri = `sip:alice@${DOMAIN}`) =>
    answerPublish(
      deps,
      incoming('PUBLISH', uri, { Event: 'presence', Authorization: 'Test alice', ...headers }, body),
    );
  return { clock, store, publish };
}

t.test('initial, refresh, modify, remove (RFC 3903 §4)', async (t) => {
  const { store, publish } = world();
  const first = await publish({ 'Content-Type': PIDF, Expires: '600' }, pidfBody(ALICE));
  t.equal(first.status, 200);
  t.equal(first.headers.Expires, '600');
  const etag1 = first.headers['SIP-ETag'] ?? '';
  t.ok(store.has(ALICE, etag1));
  const refreshed = await publish({ 'SIP-If-Match': etag1, Expires: '300' });
  t.equal(refreshed.status, 200);
  const etag2 = refreshed.headers['SIP-ETag'] ?? '';
  t.not(etag2, etag1, 'a new entity-tag for every successful PUBLISH');
  const modified = await publish(
    { 'SIP-If-Match': etag2, 'Content-Type': PIDF },
    pidfBody(ALICE, { basic: 'closed' }),
  );
  t.equal(modified.status, 200);
  t.equal(modified.headers.Expires, '3600', 'no Expires: the default');
  t.equal(store.documents(ALICE)[0]?.tuples[0]?.basic, 'closed');
  const removed = await publish({ 'SIP-If-Match': modified.headers['SIP-ETag'] ?? '', Expires: '0' });
  t.same([removed.status, removed.headers.Expires], [200, '0']);
  t.equal(store.size, 0);
});

t.test('refusals, each leaving the stored state untouched', async (t) => {
  const { store, publish } = world();
  const first = await publish({ 'Content-Type': PIDF }, pidfBody(ALICE));
  const etag = first.headers['SIP-ETag'] ?? '';
  const before = store.publications(ALICE);
  const cases: [string, Promise<{ status: number; headers: Readonly<Record<string, string>> }>, number][] = [
    ['unknown presentity', publish({ 'Content-Type': PIDF }, pidfBody(ALICE), `sip:carol@${DOMAIN}`), 404],
    ['other domain', publish({ 'Content-Type': PIDF }, pidfBody(ALICE), 'sip:alice@elsewhere.example'), 404],
    ['no Event', publish({ Event: '' }, pidfBody(ALICE)), 489],
    ['wrong package', publish({ Event: 'dialog' }, pidfBody(ALICE)), 489],
    ['no credentials', publish({ Authorization: '' }, pidfBody(ALICE)), 401],
    ['someone else', publish({ Authorization: 'Test bob', 'Content-Type': PIDF }, pidfBody(ALICE)), 403],
    ['user of another domain', publish({ Authorization: 'Test alice@evil.example' }, pidfBody(ALICE)), 403],
    ['stale entity-tag', publish({ 'SIP-If-Match': 'nope', 'Content-Type': PIDF }, pidfBody(ALICE)), 412],
    ['two entity-tags', publish({ 'SIP-If-Match': `${etag}, x` }), 400],
    ['too brief', publish({ 'SIP-If-Match': etag, Expires: '10' }), 423],
    ['bad Expires', publish({ 'SIP-If-Match': etag, Expires: 'soon' }), 400],
    ['wrong type', publish({ 'SIP-If-Match': etag, 'Content-Type': 'text/plain' }, 'open'), 415],
    ['malformed PIDF', publish({ 'SIP-If-Match': etag, 'Content-Type': PIDF }, '<presence xmlns='), 400],
    [
      'oversized',
      publish({ 'SIP-If-Match': etag, 'Content-Type': PIDF }, pidfBody(ALICE) + ' '.repeat(3000)),
      413,
    ],
    ['initial without body', publish({}), 400],
    ['removal without entity-tag', publish({ Expires: '0' }), 400],
  ];
  for (const [what, answer, status] of cases) t.equal((await answer).status, status, what);
  t.same(store.publications(ALICE), before, 'state untouched');
  t.ok(store.has(ALICE, etag), 'the entity-tag still works');
  const extra = await Promise.all([
    publish({ Event: 'dialog' }),
    publish({ 'SIP-If-Match': etag, Expires: '10' }),
    publish({ 'SIP-If-Match': etag, 'Content-Type': 'text/plain' }, 'x'),
  ]);
  t.same(
    extra.map((r) => r.headers),
    [{ 'Allow-Events': 'presence' }, { 'Min-Expires': '60' }, { Accept: PIDF }],
    '489 with Allow-Events, 423 with Min-Expires, 415 with Accept',
  );
});

t.test('an expired publication answers 412 to its entity-tag', async (t) => {
  const { clock, publish } = world();
  const first = await publish({ 'Content-Type': PIDF, Expires: '60' }, pidfBody(ALICE));
  clock.advance(60_000);
  const late = await publish({ 'SIP-If-Match': first.headers['SIP-ETag'] ?? '' });
  t.equal(late.status, 412);
});
