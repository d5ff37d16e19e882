import t from 'tap';
import { Type } from '@sinclair/typebox';
import { EVENTS, defineEvent, isCatalogued, lookupEvent, payloadIssues } from './catalogue.js';

t.test('every catalogue entry is found by its type name and checks its payload', (t) => {
  for (const event of Object.values(EVENTS)) {
    t.equal(lookupEvent(event.type), event, event.type);
    t.ok(isCatalogued(event));
  }
  t.same(payloadIssues('system.started', { version: '1', pid: 3 }), []);
  t.same(payloadIssues('system.started', { version: '1', pid: 3, extra: true }), [], 'extra fields allowed');
  t.same(payloadIssues('config.reloaded', { changed: ['a'] }), []);
  t.same(payloadIssues('system.stopping', { reason: 'SIGTERM' }), []);
  t.match(payloadIssues('system.stopping', {}), [{ path: '/reason' }]);
  t.match(payloadIssues('nope', {}), [{ path: '/', message: /unknown event type/ }]);
  t.equal(lookupEvent('nope'), undefined);
  t.end();
});

t.test('an event type must be a valid literal topic; look-alikes are not catalogued', (t) => {
  t.throws(() => defineEvent('agent.*', Type.Object({})));
  t.throws(() => defineEvent('', Type.Object({})));
  t.notOk(isCatalogued(defineEvent('system.started', EVENTS.systemStarted.schema)));
  t.end();
});
