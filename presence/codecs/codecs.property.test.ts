/**
 * Property tests of the codecs: any document value survives build → parse unchanged, and no input
 * string makes a parser throw (bad input is always a typed error value).
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import t from 'tap';
import { DIALOG_STATES, DIALOG_STATE_EVENTS, buildDialogInfo, parseDialogInfo } from './dialog-info.js';
import type { DialogInfo, DialogInfoDialog, DialogParticipant } from './dialog-info.js';
import { RPID_ACTIVITIES, buildPidf, parsePidf } from './pidf.js';
import type { Note, PidfDevice, PidfDocument, PidfPerson, PidfTuple, RpidUserInput } from './pidf.js';

const RUNS = { numRuns: 150 };

/** Text the codec keeps as-is: trimmed, escaping-sensitive characters included. */
const text = fc.stringMatching(/^[A-Za-z0-9 &<>"'.:@;=é漢-]{0,16}$/).filter((s) => s.trim() === s);
const token = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/);
const uri = token.map((u) => `sip:${u}@cc.example.com`);
const dateTime = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) })
  .map((ms) => new Date(ms).toISOString());

function optional<K extends string, V>(key: K, arb: fc.Arbitrary<V>): fc.Arbitrary<Partial<Record<K, V>>> {
  return fc.option(arb, { nil: undefined }).map((v) => {
    const out: Partial<Record<K, V>> = {};
    if (v !== undefined) out[key] = v;
    return out;
  });
}

const note: fc.Arbitrary<Note> = fc
  .tuple(text, optional('lang', fc.constantFrom('en', 'fr', 'de-CH')))
  .map(([t, l]) => ({ text: t, ...l }));
const notes = fc.array(note, { maxLength: 2 });

const userInput: fc.Arbitrary<RpidUserInput> = fc
  .tuple(
    fc.constantFrom('active' as const, 'idle' as const),
    optional('id', token),
    optional('idleThresholdS', fc.integer({ min: 1, max: 86_400 })),
    optional('lastInput', dateTime),
  )
  .map(([value, ...rest]) => Object.assign({ value }, ...rest) as RpidUserInput);

const tuple: fc.Arbitrary<PidfTuple> = fc
  .tuple(
    token,
    optional('basic', fc.constantFrom('open' as const, 'closed' as const)),
    optional(
      'contact',
      fc.tuple(
        uri,
        optional(
          'priority',
          fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000),
        ),
      ),
    ),
    notes,
    optional('timestamp', dateTime),
    optional(
      'deviceId',
      token.map((s) => `urn:uuid:${s}`),
    ),
    optional('userInput', userInput),
    fc.array(
      fc
        .record({ from: dateTime, basic: fc.constantFrom('open' as const, 'closed' as const) })
        .map((r) => ({ ...r })),
      { maxLength: 2 },
    ),
  )
  .map(([id, basic, contact, n, ts, dev, ui, timedStatus]) => ({
    id,
    ...basic,
    ...(contact.contact ? { contact: { uri: contact.contact[0], ...contact.contact[1] } } : {}),
    notes: n,
    ...ts,
    ...dev,
    ...ui,
    timedStatus,
  }));

const person: fc.Arbitrary<PidfPerson> = fc
  .tuple(
    token,
    optional(
      'activities',
      fc.tuple(
        optional('until', dateTime),
        notes,
        fc.uniqueArray(fc.constantFrom(...RPID_ACTIVITIES), { maxLength: 3 }),
        fc.array(text, { maxLength: 2 }),
      ),
    ),
    optional('userInput', userInput),
    notes,
    optional('timestamp', dateTime),
  )
  .map(([id, a, ui, n, ts]) => ({
    id,
    ...(a.activities
      ? {
          activities: {
            ...a.activities[0],
            notes: a.activities[1],
            activities: a.activities[2],
            other: a.activities[3],
          },
        }
      : {}),
    ...ui,
    notes: n,
    ...ts,
  }));

const device: fc.Arbitrary<PidfDevice> = fc
  .tuple(
    token,
    optional('deviceId', token),
    optional('userInput', userInput),
    notes,
    optional('timestamp', dateTime),
  )
  .map(([id, dev, ui, n, ts]) => ({ id, ...dev, ...ui, notes: n, ...ts }));

const pidf: fc.Arbitrary<PidfDocument> = fc
  .record({
    entity: uri,
    tuples: fc.array(tuple, { maxLength: 3 }),
    notes,
    persons: fc.array(person, { maxLength: 2 }),
    devices: fc.array(device, { maxLength: 2 }),
  })
  .map((r) => ({ ...r })); // fc.record builds null-prototype objects

const participant: fc.Arbitrary<DialogParticipant> = fc
  .tuple(optional('identity', uri), optional('display', text), optional('target', uri))
  .map(([i, d, tg]) => ({ ...i, ...(i.identity !== undefined ? d : {}), ...tg }));

const dialog: fc.Arbitrary<DialogInfoDialog> = fc
  .tuple(
    token,
    fc.constantFrom(...DIALOG_STATES),
    optional('callId', token),
    optional('localTag', token),
    optional('remoteTag', token),
    optional('direction', fc.constantFrom('initiator' as const, 'recipient' as const)),
    optional('event', fc.constantFrom(...DIALOG_STATE_EVENTS)),
    optional('code', fc.integer({ min: 100, max: 699 })),
    optional('duration', fc.nat(1_000_000)),
    optional('local', participant),
    optional('remote', participant),
  )
  .map(([id, state, ...rest]) => Object.assign({ id, state }, ...rest) as DialogInfoDialog);

const dialogInfo: fc.Arbitrary<DialogInfo> = fc
  .record({
    entity: uri,
    version: fc.nat(),
    state: fc.constantFrom('full' as const, 'partial' as const),
    dialogs: fc.array(dialog, { maxLength: 3 }),
  })
  .map((r) => ({ ...r }));

t.test('PIDF: parse(build(doc)) equals doc', (t) => {
  fc.assert(
    fc.property(pidf, (doc) => {
      const r = parsePidf(buildPidf(doc));
      return r.ok && isDeepStrictEqual(r.value, doc);
    }),
    RUNS,
  );
  t.pass(`${RUNS.numRuns} random documents round-tripped`);
  t.end();
});

t.test('dialog-info: parse(build(doc)) equals doc', (t) => {
  fc.assert(
    fc.property(dialogInfo, (doc) => {
      const r = parseDialogInfo(buildDialogInfo(doc));
      return r.ok && isDeepStrictEqual(r.value, doc);
    }),
    RUNS,
  );
  t.pass(`${RUNS.numRuns} random documents round-tripped`);
  t.end();
});

const samples = ['kamailio-publish.xml', 'rfc4479-full.xml', 'kamailio-dialoginfo.xml'].map((f) =>
  readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8'),
);

t.test('no input makes a parser throw: random strings and mutated real documents', (t) => {
  const mutated = fc
    .tuple(fc.constantFrom(...samples), fc.nat(), fc.nat(40), fc.string({ maxLength: 8 }))
    .map(([s, at, del, ins]) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + ins + s.slice(i + del);
    });
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 200 }), mutated), (body) => {
      const a = parsePidf(body);
      const b = parseDialogInfo(body);
      const codes = [a, b].map((r) => (r.ok ? 'ok' : r.error.code));
      return codes.every((c) => typeof c === 'string');
    }),
    { numRuns: 400 },
  );
  t.pass('every input produced a value');
  t.end();
});
