import t from 'tap';
import { parsePidf } from '../../codecs/pidf.js';
import type { PidfDocument } from '../../codecs/pidf-types.js';
import { ALICE, pidfBody } from '../testing/fakes.js';
import { composePresence, PATCHBAY_ELEMENT_ID } from './compose.js';

function doc(body: string): PidfDocument {
  const r = parsePidf(body);
  if (!r.ok) throw r.error;
  return r.value;
}

t.test('no publication: one closed tuple, entity is the presentity', (t) => {
  const d = composePresence(ALICE, [], undefined);
  t.equal(d.entity, ALICE);
  t.same(
    d.tuples.map((x) => [x.id, x.basic]),
    [[PATCHBAY_ELEMENT_ID, 'closed']],
  );
  t.same(d.persons, []);
  t.end();
});

t.test('publications are combined; an id clash between publishers is renamed, not lost', (t) => {
  const phone = doc(pidfBody('sip:other@x', { tuple: 't1', basic: 'open', activity: 'busy' }));
  const softphone = doc(pidfBody(ALICE, { tuple: 't1', basic: 'closed' }));
  const d = composePresence(ALICE, [phone, softphone], undefined);
  t.equal(d.entity, ALICE, 'the entity is always the presentity, whatever was published');
  t.same(
    d.tuples.map((x) => [x.id, x.basic]),
    [
      ['t1', 'open'],
      ['t1-2', 'closed'],
    ],
  );
  t.same(d.persons[0]?.activities?.activities, ['busy']);
  t.end();
});

t.test('the overlay adds on-the-phone to every person, replacing unknown, without duplicates', (t) => {
  const unknown = doc(pidfBody(ALICE, { activity: 'unknown' }));
  const d = composePresence(ALICE, [unknown], { activities: ['on-the-phone'] });
  t.same(d.persons[0]?.activities?.activities, ['on-the-phone']);
  const busy = doc(pidfBody(ALICE, { activity: 'on-the-phone' }));
  t.same(
    composePresence(ALICE, [busy], { activities: ['on-the-phone'] }).persons[0]?.activities?.activities,
    ['on-the-phone'],
  );
  t.end();
});

t.test('with no person published, a patchbay person carries the overlay', (t) => {
  const open = doc(pidfBody(ALICE, { basic: 'open' }));
  const d = composePresence(ALICE, [open], { activities: ['on-the-phone'], note: 'on a queue call' });
  t.same(
    d.persons.map((p) => [p.id, p.activities?.activities, p.notes.map((n) => n.text)]),
    [[PATCHBAY_ELEMENT_ID, ['on-the-phone'], ['on a queue call']]],
  );
  t.same(
    d.tuples.map((x) => x.basic),
    ['open'],
    'tuples untouched',
  );
  t.end();
});
