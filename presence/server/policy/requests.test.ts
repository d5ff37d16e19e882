import t from 'tap';
import { eventPackageOf, parseEventSpec } from './event-package.js';
import { aorOf, presentityOf } from './presentity.js';
import { acceptsFormat, notifyEventHeader, subscriptionKey } from './subscribe-request.js';

t.test('Event header (RFC 6665 §8.2.1)', (t) => {
  t.same(parseEventSpec('presence'), { eventType: 'presence', id: undefined });
  t.same(parseEventSpec('Dialog;id=7'), { eventType: 'dialog', id: '7' });
  t.equal(parseEventSpec(undefined), undefined);
  t.equal(parseEventSpec(';;'), undefined);
  t.equal(eventPackageOf('presence'), 'presence');
  t.equal(eventPackageOf('presence.winfo'), undefined, 'template packages are not served');
  t.equal(eventPackageOf('message-summary'), undefined);
  t.equal(notifyEventHeader('dialog', '7'), 'dialog;id=7');
  t.equal(notifyEventHeader('presence', undefined), 'presence');
  t.end();
});

t.test('presentities and AORs', (t) => {
  const domains = ['cc.example.com'];
  t.equal(presentityOf('sip:alice@CC.example.com;transport=tcp', domains), 'sip:alice@cc.example.com');
  t.equal(presentityOf('sips:alice@cc.example.com:5061', domains), 'sip:alice@cc.example.com');
  t.equal(presentityOf('sip:alice@other.example.com', domains), undefined, 'not our domain');
  t.equal(presentityOf('sip:cc.example.com', domains), undefined, 'no user');
  t.equal(presentityOf('tel:+4930123', domains), undefined);
  t.equal(presentityOf('not a uri', domains), undefined);
  t.equal(aorOf('sip:%61lice@h'), 'sip:alice@h', 'escapes decoded');
  t.end();
});

t.test('Accept (RFC 3856 §6.5, RFC 4235 §3.6) and subscription keys (RFC 6665 §4.4.1)', (t) => {
  const pidf = 'application/pidf+xml';
  t.ok(acceptsFormat(undefined, pidf), 'no Accept: the default format');
  t.ok(acceptsFormat('application/cpim-pidf+xml, application/pidf+xml;q=0.5', pidf));
  t.ok(acceptsFormat('application/*', pidf));
  t.ok(acceptsFormat('*/*', pidf));
  t.notOk(acceptsFormat('application/xpidf+xml', pidf));
  const a = subscriptionKey({
    callId: 'c',
    remoteTag: 'r',
    localTag: 'l',
    eventType: 'presence',
    eventId: undefined,
  });
  const b = subscriptionKey({
    callId: 'c',
    remoteTag: 'r',
    localTag: 'l',
    eventType: 'presence',
    eventId: '1',
  });
  t.not(a, b, 'the Event id tells subscriptions in one dialog apart');
  t.end();
});
