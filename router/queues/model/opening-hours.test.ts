import t from 'tap';
import { InvalidTimeZoneError, assertTimeZone, isOpen, localTime } from './opening-hours.js';
import type { OpeningHoursData } from './queue-schema.js';

const at = (iso: string) => Date.parse(iso);

const paris: OpeningHoursData = {
  timeZone: 'Europe/Paris',
  weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '09:00', close: '18:00' }],
  holidays: ['2026-12-25'],
};

t.test('no hours: always open', (t) => {
  t.equal(isOpen(undefined, at('2026-11-22T03:00:00Z')), true);
  t.end();
});

t.test('local time follows the zone, including daylight saving', (t) => {
  // Winter: Paris is UTC+1; summer: UTC+2.
  t.same(localTime(at('2026-11-23T08:30:00Z'), 'Europe/Paris'), {
    date: '2026-11-23',
    weekday: 'mon',
    minute: 9 * 60 + 30,
  });
  t.same(localTime(at('2026-07-06T07:30:00Z'), 'Europe/Paris'), {
    date: '2026-07-06',
    weekday: 'mon',
    minute: 9 * 60 + 30,
  });
  t.same(localTime(at('2026-11-23T02:00:00Z'), 'America/New_York').date, '2026-11-22');
  t.end();
});

t.test('weekly ranges: open inside, closed before, at close and on weekends', (t) => {
  t.equal(isOpen(paris, at('2026-11-23T08:00:00Z')), true, 'Mon 09:00 local opens');
  t.equal(isOpen(paris, at('2026-11-23T07:59:00Z')), false, 'Mon 08:59 local');
  t.equal(isOpen(paris, at('2026-11-23T17:00:00Z')), false, 'Mon 18:00 local is closed');
  t.equal(isOpen(paris, at('2026-11-23T16:59:00Z')), true, 'Mon 17:59 local');
  t.equal(isOpen(paris, at('2026-11-22T10:00:00Z')), false, 'Sunday');
  t.equal(isOpen(paris, at('2026-07-06T07:30:00Z')), true, 'summer time: 09:30 local is 07:30Z');
  t.equal(isOpen(paris, at('2026-07-06T06:30:00Z')), false, 'summer time: 08:30 local');
  t.end();
});

t.test('holidays close the whole local date', (t) => {
  t.equal(isOpen(paris, at('2026-12-25T10:00:00Z')), false, 'Friday Christmas');
  t.equal(isOpen(paris, at('2026-12-24T10:00:00Z')), true, 'the day before');
  t.end();
});

t.test('ranges past midnight belong to the previous weekday', (t) => {
  const nights: OpeningHoursData = {
    timeZone: 'UTC',
    weekly: [{ days: ['fri'], open: '22:00', close: '06:00' }],
    holidays: ['2026-11-29'],
  };
  t.equal(isOpen(nights, at('2026-11-27T23:00:00Z')), true, 'Friday 23:00');
  t.equal(isOpen(nights, at('2026-11-28T05:59:00Z')), true, 'Saturday 05:59');
  t.equal(isOpen(nights, at('2026-11-28T06:00:00Z')), false, 'Saturday 06:00');
  t.equal(isOpen(nights, at('2026-11-28T23:00:00Z')), false, 'Saturday 23:00');
  t.equal(isOpen(nights, at('2026-11-27T21:00:00Z')), false, 'Friday 21:00');
  const allDay: OpeningHoursData = {
    timeZone: 'UTC',
    weekly: [{ days: ['sun'], open: '00:00', close: '24:00' }],
    holidays: [],
  };
  t.equal(isOpen(allDay, at('2026-11-29T23:59:00Z')), true, '24:00 closes at the end of the day');
  t.equal(isOpen(allDay, at('2026-11-30T00:00:00Z')), false, 'Monday');
  t.end();
});

t.test('an unknown zone is a named error', (t) => {
  t.throws(() => assertTimeZone('Mars/Olympus'), InvalidTimeZoneError);
  t.throws(() => isOpen({ ...paris, timeZone: 'Nope/Nope' }, 0), { code: 'invalid-time-zone' });
  t.doesNotThrow(() => assertTimeZone('Asia/Kolkata'));
  t.end();
});
