/**
 * Stored queue subscriptions across a crash (issue 6 item 6), with the whole process: a customer
 * (an srf UAC on its own engine, which stays up) watches sip:sales@127.0.0.1; patchbay is killed
 * with SIGKILL (no goodbye NOTIFY) and started again on the same ports and data directory. The
 * new process finds the stored subscription and ends it in the customer's dialog with
 * `terminated;reason=deactivated` (RFC 6665 §4.2.2: re-subscribe at once); the customer does, and
 * is served again. A clean shutdown leaves nothing stored.
 */
import t from 'tap';
import { QueueWatcher } from '../presence/queue-presence/testing/queue-watcher.js';
import { PatchbayProcess } from '../test-support/patchbay-process.js';
import { freePorts } from '../test-support/ports.js';
import { srfOnOwnEngine } from '../test-support/srf-engine-app.js';

function yaml(sip: number, admin: number, http: number, dir: string): string {
  return [
    `node: { id: queue-presence-restart-${process.pid} }`,
    'sip:',
    '  mode: embedded',
    '  engine:',
    `    contacts: [{ uri: "sip:127.0.0.1:${sip};transport=udp" }]`,
    `    admin: { address: 127.0.0.1, port: ${admin}, secret: test-secret }`,
    'presence: { mode: embedded, domain: 127.0.0.1, queuePresence: { minIntervalS: 1 } }',
    `database: { path: ${dir}/pglite }`,
    `http: { host: 127.0.0.1, port: ${http} }`,
    'log: { level: debug }',
    'queues:',
    '  - id: sales',
    '    name: Sales',
    '    presence: { users: [sales] }',
    '',
  ].join('\n');
}

t.test('after a crash, stored subscriptions are ended (deactivated) and watchers re-subscribe', async (t) => {
  const [sip, admin, http] = (await freePorts(3)) as [number, number, number];
  const srf = await srfOnOwnEngine(t); // the customer, up all along
  const dir = PatchbayProcess.tempDir();
  const config = yaml(sip, admin, http, dir);
  const first = PatchbayProcess.start(config, { dir });
  t.teardown(() => first.kill());
  await first.waitForLog(/^patchbay started/, 90_000);
  const subscribe = async () => {
    const w = await QueueWatcher.subscribe(srf, {
      uri: 'sip:sales@127.0.0.1',
      proxy: `sip:127.0.0.1:${sip};transport=udp`,
      from: 'sip:dave@customer.example',
    });
    if (typeof w === 'number') throw new Error(`SUBSCRIBE refused with ${w}`);
    return w;
  };
  const w = await subscribe();
  t.match((await w.notify(0)).state, /^active;/);
  await first.waitForLog('queue subscription stored', 30_000);

  first.signal('SIGKILL');
  await first.exitWithin(30_000);
  t.equal(w.notifies.length, 1, 'a killed process says nothing');

  const second = PatchbayProcess.start(config, { dir });
  t.teardown(() => second.cleanup());
  await second.waitForLog(/^patchbay started/, 90_000);
  const ending = await w.notify(1, 30_000);
  t.equal(ending.state, 'terminated;reason=deactivated', 'ended in the dialog of the dead process');
  const report = await second.waitForLog('stored queue subscriptions ended (deactivated)', 30_000);
  t.match(report, { stored: 1, expired: 0, ended: 1, unanswered: 0 });

  const again = await subscribe(); // RFC 6665 §4.1.3: deactivated → re-subscribe at once
  t.match((await again.notify(0)).state, /^active;/, 'served again');
  await second.waitForLog('queue subscription stored', 30_000);
  second.signal('SIGTERM');
  const bye = await again.notify(1, 30_000);
  t.equal(bye.state, 'terminated;reason=deactivated');
  const exit = await second.exitWithin(30_000);
  t.equal(exit.code, 0, 'clean shutdown', exit.code === 0 ? {} : { diagnostic: true, tail: second.tail() });

  const third = PatchbayProcess.start(config, { dir });
  t.teardown(() => third.kill());
  await third.waitForLog(/^patchbay started/, 90_000);
  t.notOk(
    third.logs().some((l) => l.msg === 'stored queue subscriptions ended (deactivated)'),
    'a clean shutdown leaves nothing stored',
  );
  third.signal('SIGTERM');
  await third.exitWithin(30_000);
});
