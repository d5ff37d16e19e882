import t from 'tap';
import { parsePidf } from '../../codecs/pidf.js';
import { pidfBody } from '../../../test-support/fake-subscription-transport.js';
import { snapshotFromPidf } from './presence-snapshot.js';

function doc(xml: string) {
  const r = parsePidf(xml);
  if (!r.ok) throw r.error;
  return r.value;
}

const AT = Date.UTC(2026, 0, 1);

t.test('basic, activities and idle from a PIDF/RPID document', (t) => {
  const s = snapshotFromPidf(
    'sip:a@x',
    doc(pidfBody('open', { activities: ['away', 'busy'], userInput: 'idle' })),
    AT,
  );
  t.match(s, {
    uri: 'sip:a@x',
    basic: 'open',
    activities: ['away', 'busy'],
    otherActivities: [],
    idle: true,
    at: AT,
  });
  t.equal(s.document?.entity, 'sip:agent1@example.com', 'the parsed document rides along for the policy');
  const plain = snapshotFromPidf('sip:a@x', doc(pidfBody('closed')), AT);
  t.equal(plain.basic, 'closed');
  t.notOk('idle' in plain, 'idle absent when the document says nothing');
  t.end();
});

t.test('aggregation over tuples, persons and devices (RFC 4479, RFC 4480 §3.13)', (t) => {
  const xml = `<?xml version="1.0"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
  xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:a@x">
  <tuple id="t1"><status><basic>closed</basic></status><rpid:user-input>idle</rpid:user-input></tuple>
  <tuple id="t2"><status><basic>open</basic></status><rpid:user-input>active</rpid:user-input></tuple>
  <dm:person id="p"><rpid:activities><rpid:on-the-phone/><rpid:other>coffee</rpid:other></rpid:activities></dm:person>
</presence>`;
  const s = snapshotFromPidf('sip:a@x', doc(xml), AT);
  t.equal(s.basic, 'open', 'open if any service is open');
  t.same(s.activities, ['on-the-phone']);
  t.same(s.otherActivities, ['coffee']);
  t.equal(s.idle, false, 'idle only when every service/device input is idle');
  const none = snapshotFromPidf(
    'sip:a@x',
    doc('<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@x"/>'),
    AT,
  );
  t.equal(none.basic, 'unknown');
  t.end();
});
