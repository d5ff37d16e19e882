import { readFileSync } from 'node:fs';
import t from 'tap';
import { parsePidf } from '../codecs/pidf.js';
import type { PidfDocument, PidfPerson, PidfTuple, RpidActivities } from '../codecs/pidf.js';
import {
  DEFAULT_UNAVAILABLE_ACTIVITIES,
  defaultAvailabilityPolicy,
  presenceAvailability,
} from './availability.js';

const NOW = Date.parse('2026-01-01T09:10:00Z');
const MIN = 60_000;

function doc(tuples: Partial<PidfTuple>[], persons: Partial<PidfPerson>[] = []): PidfDocument {
  return {
    entity: 'sip:agent@cc.example.com',
    tuples: tuples.map((x, i) => ({ id: `t${i}`, notes: [], timedStatus: [], ...x })),
    notes: [],
    persons: persons.map((p, i) => ({ id: `p${i}`, notes: [], ...p })),
    devices: [],
  };
}

function activity(...activities: RpidActivities[]): Partial<PidfPerson>[] {
  return activities.map((a) => ({ activities: a }));
}

const acts = (list: string[], extra: object = {}): RpidActivities =>
  ({ notes: [], activities: list, other: [], ...extra }) as RpidActivities;

t.test('basic status: open → available, all closed → "closed", unknown → policy', (t) => {
  t.same(presenceAvailability(doc([{ basic: 'open' }]), NOW), { available: true });
  t.same(presenceAvailability(doc([{ basic: 'closed' }, { basic: 'closed' }]), NOW), {
    available: false,
    reason: 'closed',
  });
  t.same(
    presenceAvailability(doc([{ basic: 'closed' }, { basic: 'open' }]), NOW),
    { available: true },
    'any open tuple',
  );
  t.same(
    presenceAvailability(doc([{}]), NOW),
    { available: true },
    'no basic: unknown → available by default',
  );
  t.same(presenceAvailability(undefined, NOW), { available: true }, 'no document at all');
  const strict = { ...defaultAvailabilityPolicy, whenUnknown: 'unavailable' as const };
  t.same(presenceAvailability(undefined, NOW, strict), { available: false, reason: 'unknown' });
  t.same(presenceAvailability(doc([{}]), NOW, strict), { available: false, reason: 'unknown' });
  const lax = { ...defaultAvailabilityPolicy, closedIsUnavailable: false };
  t.same(presenceAvailability(doc([{ basic: 'closed' }]), NOW, lax), { available: true });
  t.end();
});

t.test('the default activity list makes the agent unavailable with the activity as reason', (t) => {
  t.same([...DEFAULT_UNAVAILABLE_ACTIVITIES].sort(), [
    'appointment',
    'away',
    'busy',
    'meal',
    'meeting',
    'on-the-phone',
    'sleeping',
    'vacation',
  ]);
  for (const a of DEFAULT_UNAVAILABLE_ACTIVITIES) {
    t.same(
      presenceAvailability(doc([{ basic: 'open' }], activity(acts([a]))), NOW),
      { available: false, reason: a },
      a,
    );
  }
  for (const a of ['working', 'unknown', 'lunch', 'travel']) {
    t.same(
      presenceAvailability(doc([{ basic: 'open' }], activity(acts([a]))), NOW),
      { available: true },
      `${a} is allowed`,
    );
  }
  t.same(presenceAvailability(doc([{ basic: 'open' }], activity(acts([], { other: ['Training'] }))), NOW), {
    available: true,
  });
  t.end();
});

t.test('the activity list is configurable, including "other"', (t) => {
  const policy = { ...defaultAvailabilityPolicy, unavailableActivities: ['lunch', 'other'] as const };
  t.same(presenceAvailability(doc([{ basic: 'open' }], activity(acts(['lunch']))), NOW, policy), {
    available: false,
    reason: 'lunch',
  });
  t.same(
    presenceAvailability(doc([{ basic: 'open' }], activity(acts([], { other: ['Training'] }))), NOW, policy),
    {
      available: false,
      reason: 'other',
    },
  );
  t.same(presenceAvailability(doc([{ basic: 'open' }], activity(acts(['away']))), NOW, policy), {
    available: true,
  });
  t.end();
});

t.test('activities count only inside their from/until window, and the window edges are rechecks', (t) => {
  const until = '2026-01-01T10:00:00Z';
  const from = '2026-01-01T12:00:00Z';
  t.same(presenceAvailability(doc([{ basic: 'open' }], activity(acts(['meeting'], { until }))), NOW), {
    available: false,
    reason: 'meeting',
    recheckAtMs: Date.parse(until),
  });
  t.same(presenceAvailability(doc([{ basic: 'open' }], activity(acts(['vacation'], { from }))), NOW), {
    available: true,
    recheckAtMs: Date.parse(from),
  });
  const past = acts(['busy'], { from: '2026-01-01T07:00:00Z', until: '2026-01-01T08:00:00Z' });
  t.same(presenceAvailability(doc([{ basic: 'open' }], activity(past)), NOW), { available: true });
  t.end();
});

t.test('RPID idle past the threshold → "inactive"; active anywhere wins; recheck when it will cross', (t) => {
  const person = (lastMinAgo: number): Partial<PidfPerson> => ({
    userInput: { value: 'idle', lastInput: new Date(NOW - lastMinAgo * MIN).toISOString() },
  });
  t.same(presenceAvailability(doc([{ basic: 'open' }], [person(11)]), NOW), {
    available: false,
    reason: 'inactive',
  });
  t.same(presenceAvailability(doc([{ basic: 'open' }], [person(4)]), NOW), {
    available: true,
    recheckAtMs: NOW + 6 * MIN,
  });
  const activeTuple = { basic: 'open' as const, userInput: { value: 'active' as const } };
  t.same(
    presenceAvailability(doc([activeTuple], [person(30)]), NOW),
    { available: true },
    'active on a device',
  );
  const byThreshold: Partial<PidfPerson> = { userInput: { value: 'idle', idleThresholdS: 900 } };
  t.same(presenceAvailability(doc([{ basic: 'open' }], [byThreshold]), NOW), {
    available: false,
    reason: 'inactive',
  });
  const bare: Partial<PidfPerson> = { userInput: { value: 'idle' } };
  t.same(
    presenceAvailability(doc([{ basic: 'open' }], [bare]), NOW),
    { available: true },
    'idle with no duration',
  );
  const off = { ...defaultAvailabilityPolicy };
  delete (off as { idleThresholdMs?: number }).idleThresholdMs;
  t.same(
    presenceAvailability(doc([{ basic: 'open' }], [person(600)]), NOW, off),
    { available: true },
    'threshold off',
  );
  t.end();
});

t.test('reasons are ordered: closed, then activity, then inactive', (t) => {
  const idle: Partial<PidfPerson> = {
    activities: acts(['away']),
    userInput: { value: 'idle', idleThresholdS: 3600 },
  };
  t.equal(presenceAvailability(doc([{ basic: 'closed' }], [idle]), NOW).reason, 'closed');
  t.equal(presenceAvailability(doc([{ basic: 'open' }], [idle]), NOW).reason, 'away');
  t.end();
});

t.test('on real PUBLISH bodies', (t) => {
  const fixture = (name: string): PidfDocument => {
    const r = parsePidf(readFileSync(new URL(`../codecs/fixtures/${name}`, import.meta.url)));
    if (!r.ok) throw r.error;
    return r.value;
  };
  t.same(presenceAvailability(fixture('kamailio-publish.xml'), NOW), {
    available: false,
    reason: 'on-the-phone',
  });
  t.same(presenceAvailability(fixture('baresip-publish.xml'), NOW), { available: false, reason: 'closed' });
  // Idle since 09:00 with a 10-minute threshold: inactive from 09:10 exactly.
  t.same(presenceAvailability(fixture('sipjs-publish.xml'), NOW - 1), { available: true, recheckAtMs: NOW });
  t.same(presenceAvailability(fixture('sipjs-publish.xml'), NOW), { available: false, reason: 'inactive' });
  t.same(presenceAvailability(fixture('linphone-publish.xml'), NOW), { available: false, reason: 'meeting' });
  t.same(presenceAvailability(fixture('asterisk-legacy.xml'), NOW), {
    available: false,
    reason: 'on-the-phone',
  });
  t.end();
});
