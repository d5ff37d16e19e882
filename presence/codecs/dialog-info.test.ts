import { readFileSync } from 'node:fs';
import t from 'tap';
import { buildDialogInfo, parseDialogInfo } from './dialog-info.js';
import type { DialogInfo } from './dialog-info.js';

const kamailio = readFileSync(new URL('./fixtures/kamailio-dialoginfo.xml', import.meta.url));

function parsed(body: string | Uint8Array): DialogInfo {
  const r = parseDialogInfo(body);
  if (!r.ok) throw r.error;
  return r.value;
}

const expected: DialogInfo = {
  entity: 'sip:alice@cc.example.com',
  version: 3,
  state: 'full',
  dialogs: [
    {
      id: 'a84b4c76e66710',
      callId: 'a84b4c76e66710@pc33.example.com',
      localTag: '1928301774',
      remoteTag: '456887766',
      direction: 'recipient',
      state: 'confirmed',
      duration: 274,
      local: { identity: 'sip:alice@cc.example.com', target: 'sip:alice@192.0.2.10:5060' },
      remote: {
        identity: 'sip:+15551234567@gw.example.com',
        display: 'Caller',
        target: 'sip:+15551234567@198.51.100.7',
      },
    },
    {
      id: 'zxcvbnm3',
      callId: 'zxcvbnm3@gw.example.com',
      direction: 'initiator',
      state: 'terminated',
      event: 'remote-bye',
      code: 200,
    },
  ],
};

t.test('Kamailio-shaped dialog-info (BLF) parses to values', (t) => {
  t.same(parsed(kamailio), expected);
  t.end();
});

t.test('build → parse round trip, RFC 4235 element order', (t) => {
  const xml = buildDialogInfo(expected);
  t.same(parsed(xml), expected);
  t.match(
    xml,
    /<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full" entity="sip:alice@cc.example.com">/,
  );
  t.match(xml, /<state>confirmed<\/state>\s*<duration>274<\/duration>\s*<local>/);
  t.match(xml, /<state event="remote-bye" code="200">terminated<\/state>/);
  t.match(xml, /<identity display="Caller">sip:\+15551234567@gw.example.com<\/identity>/);
  const empty: DialogInfo = { entity: 'sip:bob@cc.example.com', version: 0, state: 'partial', dialogs: [] };
  t.same(parsed(buildDialogInfo(empty)), empty);
  t.end();
});

t.test('typed errors for documents that are not usable dialog-info', (t) => {
  const ns = 'xmlns="urn:ietf:params:xml:ns:dialog-info"';
  const cases: [string, string][] = [
    [`<dialog-info version="1" state="full" entity="sip:a@b"/>`, 'not-dialog-info'],
    [`<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"/>`, 'not-dialog-info'],
    [`<dialog-info ${ns} state="full" entity="sip:a@b"/>`, 'invalid-document'],
    [`<dialog-info ${ns} version="-1" state="full" entity="sip:a@b"/>`, 'invalid-document'],
    [`<dialog-info ${ns} version="1" state="some" entity="sip:a@b"/>`, 'invalid-document'],
    [`<dialog-info ${ns} version="1" state="full"/>`, 'invalid-document'],
    [
      `<dialog-info ${ns} version="1" state="full" entity="sip:a@b"><dialog><state>early</state></dialog></dialog-info>`,
      'invalid-document',
    ],
    [
      `<dialog-info ${ns} version="1" state="full" entity="sip:a@b"><dialog id="x"><state>ringing</state></dialog></dialog-info>`,
      'invalid-document',
    ],
    [`<dialog-info ${ns} version="1"`, 'malformed-xml'],
  ];
  for (const [body, code] of cases) {
    const r = parseDialogInfo(body);
    t.equal(r.ok ? 'ok' : r.error.code, code, body);
  }
  t.end();
});

t.test('unknown optional values are dropped, not fatal', (t) => {
  const doc = parsed(
    `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="7" state="partial" entity="sip:a@b">
       <dialog id="d" direction="sideways"><state event="exploded" code="abc">early</state><duration>soon</duration></dialog>
     </dialog-info>`,
  );
  t.same(doc.dialogs, [{ id: 'd', state: 'early' }]);
  t.end();
});
