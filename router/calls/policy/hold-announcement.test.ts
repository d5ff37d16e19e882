import t from 'tap';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { announcementPrompts } from './hold-announcement.js';

t.test('position and expected wait become prompt sequences', (t) => {
  t.same(announcementPrompts({ position: 3, expectedWaitS: 100 }), [
    'you-are-number',
    'n3',
    'in-the-queue',
    'wait-about',
    'n2',
    'minutes',
  ]);
  t.same(announcementPrompts({ position: 1, expectedWaitS: 60 }), [
    'you-are-number',
    'n1',
    'in-the-queue',
    'wait-about',
    'n1',
    'minute',
  ]);
  t.same(announcementPrompts({ position: 10, expectedWaitS: 59 }), [
    'you-are-number',
    'n10',
    'in-the-queue',
    'wait-less-than-a-minute',
  ]);
  t.same(announcementPrompts({ position: 11, expectedWaitS: 601 }), [
    'many-callers-ahead',
    'wait-more-than-ten-minutes',
  ]);
  t.same(
    announcementPrompts({ position: 2 }),
    ['you-are-number', 'n2', 'in-the-queue'],
    'unknown wait: no wait sentence',
  );
  t.same(announcementPrompts({ position: 0, expectedWaitS: Number.NaN }), [], 'nothing sensible to say');
  t.end();
});

t.test('every prompt the policy can name exists as a WAV file', (t) => {
  const names = new Set<string>();
  for (let p = 0; p <= 12; p++)
    for (const s of [undefined, 0, 30, 60, 61, 300, 600, 601, 5000])
      for (const n of announcementPrompts({ position: p, ...(s !== undefined ? { expectedWaitS: s } : {}) }))
        names.add(n);
  for (const n of names)
    t.ok(existsSync(fileURLToPath(new URL(`../media/${n}.wav`, import.meta.url))), `${n}.wav`);
  t.end();
});
