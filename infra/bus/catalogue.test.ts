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
  t.same(payloadIssues('directory.agent.changed', { agentId: 'a1', change: 'created', version: 1 }), []);
  t.match(payloadIssues('directory.agent.changed', { agentId: 'a1', change: 'moved', version: 1 }), [
    { path: '/change' },
  ]);
  const device = {
    agentId: 'a1',
    aor: 'sip:a@d',
    contact: 'sip:a@h',
    transport: 'udp',
    source: '1.2.3.4:5060',
    devices: 1,
  };
  t.same(payloadIssues('device.registered', { ...device, expiresAt: '2026-01-01T00:00:00.000Z' }), []);
  t.match(payloadIssues('device.registered', device), [{ path: '/expiresAt' }]);
  t.same(payloadIssues('device.unregistered', { ...device, reason: 'expired' }), []);
  t.match(payloadIssues('device.unregistered', { ...device, devices: -1, reason: 'lost' }), [
    { path: '/devices' },
    { path: '/reason' },
  ]);
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
