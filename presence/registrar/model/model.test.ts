/** Pure registrar values: AOR canonical form, Contact/Expires parsing, binding keys, the binding FSM, response values. */
import t from 'tap';
import { canonicalAor } from './aor.js';
import { isActive, remainingSeconds, transition } from './binding.js';
import type { Binding, BindingEvent, BindingState } from './binding.js';
import { bindingKey, comparableUri, parseContacts, parseExpires } from './contacts.js';
import { contactValue, optionTags } from './register-message.js';

t.test(
  'canonicalAor: user@domain, parameters dropped, escapes resolved, host case-folded (RFC 3261 §10.3 step 5)',
  (t) => {
    t.equal(
      canonicalAor('sip:alice@CC.Example.com:5060;transport=tcp?subject=x'),
      'sip:alice@cc.example.com',
    );
    t.equal(canonicalAor('sips:%61lice@cc.example.com'), 'sip:alice@cc.example.com');
    t.equal(
      canonicalAor('sip:Alice@cc.example.com'),
      'sip:Alice@cc.example.com',
      'the user part keeps its case',
    );
    t.equal(canonicalAor('sip:a%20b@h'), 'sip:a%20b@h');
    t.equal(canonicalAor('sip:alice@[2001:DB8::1]'), 'sip:alice@[2001:db8::1]');
    for (const bad of ['sip:cc.example.com', 'tel:+1555', 'mailto:a@b', 'alice', 'sip:@h'])
      t.equal(canonicalAor(bad), undefined, bad);
    t.end();
  },
);

t.test('parseExpires: delta-seconds only (RFC 3261 §20.19)', (t) => {
  t.equal(parseExpires(undefined), undefined);
  t.equal(parseExpires(' 3600 '), 3600);
  t.equal(parseExpires('0'), 0);
  for (const bad of ['-1', '1.5', 'soon', '99999999999']) t.equal(parseExpires(bad), 'invalid', bad);
  t.end();
});

t.test('parseContacts: none, *, lists with parameters, and what is malformed', (t) => {
  t.same(parseContacts(undefined), { kind: 'none' });
  t.same(parseContacts(' * '), { kind: 'wildcard' });
  t.match(parseContacts('*, <sip:a@h>'), { kind: 'invalid' });
  const list = parseContacts(
    '"A, B" <sip:a@h;transport=TCP>;expires=60;q=0.7, <sip:b@h:5070>;+sip.instance="<urn:uuid:1>";reg-id=2',
  );
  t.same(list, {
    kind: 'list',
    contacts: [
      { uri: 'sip:a@h;transport=TCP', key: 'uri:sip:a@h:;transport=tcp', expires: 60, qMilli: 700 },
      { uri: 'sip:b@h:5070', instanceId: 'urn:uuid:1', regId: 2, key: 'instance:urn:uuid:1;reg-id=2' },
    ],
  });
  for (const bad of [
    '<sip:a@h>;expires=x',
    '<sip:a@h>;q=1.5',
    '<sip:a@h>;reg-id=0',
    '<mailto:a@h>',
    '<sip:a@h',
  ]) {
    t.match(parseContacts(bad), { kind: 'invalid' }, bad);
  }
  t.end();
});

t.test('comparableUri follows RFC 3261 §19.1.4 where it matters for bindings', (t) => {
  const same = (a: string, b: string) => t.equal(comparableUri(a), comparableUri(b), `${a} ≡ ${b}`);
  const differ = (a: string, b: string) => t.not(comparableUri(a), comparableUri(b), `${a} ≢ ${b}`);
  same('sip:alice@ATLANTA.com;Transport=TCP', 'sip:alice@atlanta.com;transport=tcp');
  same('sip:%61lice@atlanta.com', 'sip:alice@atlanta.com');
  same('sip:a@h;foo=1', 'sip:a@h;bar=2');
  differ('sip:ALICE@atlanta.com', 'sip:alice@atlanta.com');
  differ('sip:a@h', 'sip:a@h:5060');
  differ('sip:a@h', 'sips:a@h');
  differ('sip:a@h;transport=udp', 'sip:a@h;transport=tcp');
  t.equal(
    bindingKey({ uri: 'sip:a@h', instanceId: 'urn:x' }),
    'uri:sip:a@h:',
    'instance without reg-id keys by URI',
  );
  t.end();
});

t.test('the binding state machine allows exactly its moves', (t) => {
  const states: BindingState[] = ['absent', 'active', 'removed'];
  const events: BindingEvent[] = ['register', 'refresh', 'unregister', 'expire'];
  const legal = new Set(['absent register', 'active refresh', 'active unregister', 'active expire']);
  for (const s of states) {
    for (const e of events) {
      const r = transition(s, e);
      t.equal(r.ok, legal.has(`${s} ${e}`), `${s} --${e}-->`);
    }
  }
  t.same(transition('absent', 'register'), { ok: true, to: 'active' });
  t.same(transition('active', 'expire'), { ok: true, to: 'removed' });
  t.equal(remainingSeconds({ expiresAtMs: 10_001 }, 0), 11);
  t.equal(remainingSeconds({ expiresAtMs: 0 }, 5), 0);
  t.notOk(isActive({ expiresAtMs: 5 }, 5));
  t.end();
});

t.test('contactValue lists a binding for a 200 (RFC 3261 §10.3 step 8); optionTags', (t) => {
  const b = {
    contact: 'sip:a@h;transport=tcp',
    expiresAtMs: 90_500,
    qMilli: 500,
    instanceId: 'urn:uuid:1',
    regId: 1,
  } as Binding;
  t.equal(
    contactValue(b, 0),
    '<sip:a@h;transport=tcp>;expires=91;q=0.5;+sip.instance="<urn:uuid:1>";reg-id=1',
  );
  t.equal(
    contactValue(
      { ...b, qMilli: 1000, instanceId: undefined, regId: undefined } as unknown as Binding,
      90_000,
    ),
    '<sip:a@h;transport=tcp>;expires=1;q=1',
  );
  t.same(optionTags(' Path , outbound,'), ['path', 'outbound']);
  t.same(optionTags(undefined), []);
  t.end();
});
