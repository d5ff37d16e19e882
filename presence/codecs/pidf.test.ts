import { readFileSync } from 'node:fs';
import t from 'tap';
import { buildPidf, parsePidf } from './pidf.js';
import type { PidfDocument } from './pidf.js';

function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

function parsed(body: string | Uint8Array): PidfDocument {
  const r = parsePidf(body);
  if (!r.ok) throw r.error;
  return r.value;
}

t.test(
  'Kamailio-shaped PUBLISH body: tuple, contact priority, RPID on-the-phone, unknown cipid ignored',
  (t) => {
    t.same(parsed(fixture('kamailio-publish.xml')), {
      entity: 'sip:alice@cc.example.com',
      tuples: [
        {
          id: '0x7f3a9c1d2e40',
          basic: 'open',
          contact: { uri: 'sip:alice@192.0.2.10:5060;transport=udp', priority: 0.8 },
          notes: [{ text: 'Online' }],
          timedStatus: [],
        },
      ],
      notes: [],
      persons: [
        {
          id: 'p-alice',
          activities: { notes: [], activities: ['on-the-phone'], other: [] },
          notes: [{ text: 'On the phone' }],
        },
      ],
      devices: [],
    });
    t.end();
  },
);

t.test('baresip-shaped body (CRLF, person before tuple): closed + away', (t) => {
  const doc = parsed(fixture('baresip-publish.xml'));
  t.equal(doc.entity, 'sip:bob@cc.example.com');
  t.equal(doc.tuples[0]?.basic, 'closed');
  t.same(doc.tuples[0]?.contact, { uri: 'sip:bob@cc.example.com' });
  t.same(doc.persons[0]?.activities?.activities, ['away']);
  t.end();
});

t.test('sip.js application body with its own prefixes for every namespace: user-input idle', (t) => {
  const doc = parsed(fixture('sipjs-publish.xml'));
  t.equal(doc.entity, 'sip:carol@cc.example.com');
  t.same(doc.tuples[0], {
    id: 'webrtc-7f1c',
    basic: 'open',
    contact: { uri: 'sip:k2m1q9@df7jal23ls0d.invalid;transport=ws', priority: 1 },
    notes: [],
    timestamp: '2026-01-01T09:10:00.000Z',
    timedStatus: [],
  });
  t.same(doc.persons[0]?.userInput, {
    value: 'idle',
    idleThresholdS: 300,
    lastInput: '2026-01-01T09:00:00Z',
  });
  t.end();
});

t.test('Linphone-shaped body: meeting, person note with xml:lang, timestamps', (t) => {
  const doc = parsed(fixture('linphone-publish.xml'));
  t.same(doc.persons, [
    {
      id: 'mzj0lr',
      activities: { notes: [], activities: ['meeting'], other: [] },
      notes: [{ text: 'Weekly sync', lang: 'en' }],
      timestamp: '2026-01-01T08:59:30Z',
    },
  ]);
  t.equal(doc.tuples[0]?.timestamp, '2026-01-01T08:59:30Z');
  t.end();
});

t.test(
  'the full data model: devices, deviceID, timed-status, activities window, other, RPID as default ns',
  (t) => {
    const doc = parsed(fixture('rfc4479-full.xml'));
    t.same(doc, {
      entity: 'pres:erin@cc.example.com',
      tuples: [
        {
          id: 'sip-erin',
          basic: 'open',
          contact: { uri: 'sip:erin@192.0.2.20', priority: 0.5 },
          notes: [
            { text: 'Desk phone', lang: 'en' },
            { text: 'Téléphone & bureau', lang: 'fr' },
          ],
          timestamp: '2026-01-01T09:00:00-05:00',
          deviceId: 'urn:uuid:5f3c1ad2-9c4e-4d1b-8a0e-2f1c7d9b6e10',
          timedStatus: [{ from: '2026-01-01T18:00:00Z', until: '2026-01-02T08:00:00Z', basic: 'closed' }],
        },
      ],
      notes: [{ text: 'Contact centre' }],
      persons: [
        {
          id: 'erin',
          activities: {
            from: '2026-01-01T12:00:00Z',
            until: '2026-01-01T13:00:00Z',
            notes: [{ text: 'Lunch with the team' }],
            activities: ['lunch'],
            other: ['Training'],
          },
          userInput: { value: 'active' },
          notes: [],
          timestamp: '2026-01-01T12:00:00Z',
        },
      ],
      devices: [
        {
          id: 'pc1',
          deviceId: 'urn:uuid:5f3c1ad2-9c4e-4d1b-8a0e-2f1c7d9b6e10',
          userInput: { value: 'idle', idleThresholdS: 600, lastInput: '2026-01-01T11:50:00Z' },
          notes: [{ text: "Erin's PC <desk 4>" }],
        },
      ],
    });
    t.end();
  },
);

t.test('pre-RFC RPID (Asterisk-style pp:person/status/ep:activities) is read as a person', (t) => {
  const doc = parsed(fixture('asterisk-legacy.xml'));
  t.same(doc.persons[0]?.activities?.activities, ['on-the-phone']);
  t.equal(doc.tuples[0]?.basic, 'open');
  t.same(doc.notes, [{ text: 'On the phone' }]);
  t.end();
});

t.test('every fixture survives build → parse unchanged', (t) => {
  for (const f of [
    'kamailio-publish.xml',
    'baresip-publish.xml',
    'sipjs-publish.xml',
    'linphone-publish.xml',
    'rfc4479-full.xml',
    'asterisk-legacy.xml',
  ]) {
    const doc = parsed(fixture(f));
    const again = parsed(buildPidf(doc));
    t.same(again, doc, f);
  }
  t.end();
});

t.test('buildPidf writes RFC namespaces with the usual prefixes', (t) => {
  const xml = buildPidf(parsed(fixture('rfc4479-full.xml')));
  t.match(
    xml,
    /<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"/,
  );
  t.match(xml, /<rpid:activities from="2026-01-01T12:00:00Z" until="2026-01-01T13:00:00Z">/);
  t.match(
    xml,
    /<ts:timed-status from="2026-01-01T18:00:00Z" until="2026-01-02T08:00:00Z">\s*<ts:basic>closed<\/ts:basic>/,
  );
  t.match(xml, /<note xml:lang="fr">Téléphone &amp; bureau<\/note>/);
  t.match(xml, /<rpid:lunch\/>/);
  t.end();
});

t.test('typed errors: not PIDF, no entity, bad XML, too large', (t) => {
  const codeOf = (body: string, limits = {}): string => {
    const r = parsePidf(body, limits);
    return r.ok ? 'ok' : `${r.error.name}:${r.error.code}`;
  };
  t.equal(
    codeOf('<presence entity="sip:a@b"/>'),
    'PresenceDocumentError:not-pidf',
    'no namespace is not PIDF',
  );
  t.equal(codeOf('<x:presence xmlns:x="urn:other" entity="sip:a@b"/>'), 'PresenceDocumentError:not-pidf');
  t.equal(
    codeOf('<presence xmlns="urn:ietf:params:xml:ns:pidf"/>'),
    'PresenceDocumentError:invalid-document',
  );
  t.equal(
    codeOf('<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b">'),
    'PresenceDocumentError:malformed-xml',
  );
  t.equal(
    codeOf(fixture('kamailio-publish.xml').toString(), { maxBytes: 100 }),
    'PresenceDocumentError:too-large',
  );
  t.end();
});

t.test('lenient reading: unknown basic, bad priority, bad timestamp, bad user-input are dropped', (t) => {
  const doc =
    parsed(`<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:r="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:a@b">
    <tuple><status><basic>maybe</basic></status><contact priority="7">sip:a@b</contact><timestamp>yesterday</timestamp>
      <r:user-input idle-threshold="-3" last-input="soon">idle</r:user-input></tuple>
  </presence>`);
  t.same(doc.tuples, [
    { id: '', contact: { uri: 'sip:a@b' }, notes: [], userInput: { value: 'idle' }, timedStatus: [] },
  ]);
  t.end();
});
