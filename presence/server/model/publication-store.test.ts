import t from 'tap';
import { FakeClock } from '../../../sip-engine/util/clock.js';
import { parsePidf } from '../../codecs/pidf.js';
import type { PidfDocument } from '../../codecs/pidf-types.js';
import { ALICE, BOB, pidfBody } from '../testing/fakes.js';
import { thrownCode } from '../../../test-support/thrown.js';
import { PublicationStore } from './publication-store.js';
import type { PublicationChange } from './publication-store.js';

function doc(body: string): PidfDocument {
  const r = parsePidf(body);
  if (!r.ok) throw r.error;
  return r.value;
}

const OPEN = doc(pidfBody(ALICE, { basic: 'open' }));
const CLOSED = doc(pidfBody(ALICE, { basic: 'closed' }));

function world(maxPerPresentity = 4) {
  const clock = new FakeClock();
  let n = 0;
  const store = new PublicationStore({ clock, maxPerPresentity, newEtag: () => `e${++n}` });
  const changes: PublicationChange[] = [];
  store.onChange((c) => changes.push(c));
  return { clock, store, changes };
}

t.test('initial publication: entity-tag, expiry, change reported', (t) => {
  const { store, changes } = world();
  const r = store.publish(ALICE, OPEN, 60);
  t.same(r, { ok: true, etag: 'e1', expiresS: 60 });
  t.ok(store.has(ALICE, 'e1'));
  t.notOk(store.has(BOB, 'e1'), 'entity-tags are per presentity');
  t.same(store.documents(ALICE), [OPEN]);
  t.same(changes, [{ presentity: ALICE, cause: 'published', etag: 'e1' }]);
  t.end();
});

t.test('refresh: a new entity-tag, the old one is gone, no change reported, expiry pushed back', (t) => {
  const { clock, store, changes } = world();
  store.publish(ALICE, OPEN, 60);
  clock.advance(50_000);
  const r = store.refresh(ALICE, 'e1', 60);
  t.same(r, { ok: true, etag: 'e2', expiresS: 60 });
  t.notOk(store.has(ALICE, 'e1'), 'RFC 3903 §6: the previous entity-tag no longer matches');
  t.same(store.refresh(ALICE, 'e1', 60), { ok: false, reason: 'unknown-etag' });
  clock.advance(50_000);
  t.same(store.documents(ALICE), [OPEN], 'still there 100 s after the initial 60 s publication');
  t.equal(changes.length, 1, 'only the initial publication was reported');
  clock.advance(10_001);
  t.same(store.documents(ALICE), [], 'expired 60 s after the refresh');
  t.end();
});

t.test('modify replaces the state; remove drops it at once', (t) => {
  const { clock, store, changes } = world();
  store.publish(ALICE, OPEN, 60);
  t.same(store.modify(ALICE, 'e1', CLOSED, 120), { ok: true, etag: 'e2', expiresS: 120 });
  t.same(store.documents(ALICE), [CLOSED]);
  t.same(store.remove(ALICE, 'e2'), { ok: true, etag: 'e2', expiresS: 0 });
  t.same(store.documents(ALICE), []);
  t.equal(clock.pending, 0, 'no timer left behind');
  t.same(
    changes.map((c) => c.cause),
    ['published', 'modified', 'removed'],
  );
  t.same(store.remove(ALICE, 'e2'), { ok: false, reason: 'unknown-etag' }, 'removing twice: unknown');
  t.end();
});

t.test('expiry by the clock reports expired and forgets the entity-tag', (t) => {
  const { clock, store, changes } = world();
  store.publish(ALICE, OPEN, 30);
  clock.advance(29_999);
  t.ok(store.has(ALICE, 'e1'));
  clock.advance(1);
  t.notOk(store.has(ALICE, 'e1'));
  t.same(changes.at(-1), { presentity: ALICE, cause: 'expired', etag: 'e1' });
  t.same(store.modify(ALICE, 'e1', CLOSED, 60), { ok: false, reason: 'unknown-etag' });
  t.equal(store.size, 0);
  t.end();
});

t.test('several publications are kept oldest first; beyond the limit the oldest is evicted', (t) => {
  const { store, changes } = world(2);
  store.publish(ALICE, OPEN, 60);
  store.publish(ALICE, CLOSED, 60);
  t.same(store.documents(ALICE), [OPEN, CLOSED]);
  store.modify(ALICE, 'e1', OPEN, 60);
  t.same(
    store.publications(ALICE).map((p) => p.etag),
    ['e2', 'e3'],
    'a modification makes a publication the newest',
  );
  store.publish(ALICE, CLOSED, 60);
  t.same(
    store.publications(ALICE).map((p) => p.etag),
    ['e3', 'e4'],
  );
  t.same(changes.slice(-2), [
    { presentity: ALICE, cause: 'evicted', etag: 'e2' },
    { presentity: ALICE, cause: 'published', etag: 'e4' },
  ]);
  t.end();
});

t.test('close cancels every timer; bad expiry is a named error', (t) => {
  const { clock, store } = world();
  store.publish(ALICE, OPEN, 60);
  store.publish(BOB, OPEN, 60);
  store.close();
  t.equal(clock.pending, 0);
  t.equal(store.size, 0);
  t.equal(
    thrownCode(() => store.publish(ALICE, OPEN, 0)),
    'PresenceServerError:invalid-argument',
  );
  t.end();
});
