/**
 * `patchbay start` as a process with a queue that has presence URIs: a customer (an srf UAC on its
 * own engine) SUBSCRIBEs to sip:sales@127.0.0.1 and gets 200 + a PIDF NOTIFY saying the queue is
 * open; at SIGTERM it gets `terminated;reason=deactivated` (RFC 6665 §4.2.2). Once with the
 * embedded presence server (the queue route shares its SUBSCRIBE handler), once in external
 * presence mode (patchbay answers queue SUBSCRIBEs itself; other URIs get 404). Last, external mode
 * with Kamailio as the presence server: patchbay PUBLISHes the document there (RFC 3903), a
 * customer subscribed at Kamailio receives it, and it is removed (Expires: 0) at shutdown.
 */
import t from 'tap';
import { readQueueDocument } from '../presence/queue-presence/index.js';
import { QueueWatcher } from '../presence/queue-presence/testing/queue-watcher.js';
import { PatchbayProcess } from '../test-support/patchbay-process.js';
import { freePorts } from '../test-support/ports.js';
import { srfOnOwnEngine } from '../test-support/srf-engine-app.js';
import { waitFor } from '../test-support/wait.js';
import { requireKamailio, startKamailio } from '../sip-tests/harness/kamailio.js';

const kamailio = requireKamailio();
const skip = 'skip' in kamailio ? kamailio.skip : false;

function yaml(
  mode: 'embedded' | 'external',
  sip: number,
  admin: number,
  http: number,
  dir: string,
  external: { server: string; domain: string } = { server: `sip:127.0.0.1:${sip + 1}`, domain: '127.0.0.1' },
): string {
  const presence =
    mode === 'external'
      ? `{ mode: external, server: "${external.server}", domain: ${external.domain}, queuePresence: { minIntervalS: 1 } }`
      : '{ mode: embedded, domain: 127.0.0.1, queuePresence: { minIntervalS: 1 } }';
  return [
    `node: { id: queue-presence-${mode}-${process.pid} }`,
    'sip:',
    '  mode: embedded',
    '  engine:',
    `    contacts: [{ uri: "sip:127.0.0.1:${sip};transport=udp" }]`,
    `    admin: { address: 127.0.0.1, port: ${admin}, secret: test-secret }`,
    // External mode needs a presence server (no agents are configured, so none is watched there).
    `presence: ${presence}`,
    `database: { path: ${dir}/pglite }`,
    `http: { host: 127.0.0.1, port: ${http} }`,
    'log: { level: info }',
    'queues:',
    '  - id: sales',
    '    name: Sales',
    '    presence: { users: [sales], notes: { en: "Sales team" }, offerCallbacks: true }',
    '',
  ].join('\n');
}

const customerApp = srfOnOwnEngine;

for (const mode of ['embedded', 'external'] as const) {
  t.test(`presence mode ${mode}: a customer watches the sales queue`, async (t) => {
    const [sip, admin, http] = (await freePorts(3)) as [number, number, number];
    const dir = PatchbayProcess.tempDir();
    const pb = PatchbayProcess.start(yaml(mode, sip, admin, http, dir), { dir });
    t.teardown(() => pb.cleanup());
    await pb.waitForLog(/^patchbay started/, 90_000);
    const srf = await customerApp(t);
    const proxy = `sip:127.0.0.1:${sip};transport=udp`;
    const subscribe = (user: string) =>
      QueueWatcher.subscribe(srf, { uri: `sip:${user}@127.0.0.1`, proxy, from: 'sip:dave@customer.example' });
    const w = await subscribe('sales');
    if (typeof w === 'number') throw new Error(`SUBSCRIBE refused with ${w}\n${pb.tail()}`);
    const first = await w.notify(0);
    t.match(first.state, /^active;expires=\d+;min-interval=1$/);
    const d = readQueueDocument(first.body);
    if (!d.ok) throw d.error;
    t.equal(d.value.pidf.tuples[0]?.basic, 'open', 'no opening hours: open');
    t.equal(d.value.queue?.callbacksOffered, true);
    t.same(d.value.pidf.tuples[0]?.notes, [{ text: 'Sales team', lang: 'en' }]);
    if (mode === 'external') t.equal(await subscribe('nobody'), 404, 'not a queue: 404');
    pb.signal('SIGTERM');
    const final = await waitFor(() => w.notifies.find((n) => n.state.startsWith('terminated')), {
      timeoutMs: 30_000,
      what: 'final NOTIFY',
    });
    t.equal(final.state, 'terminated;reason=deactivated');
    const exit = await pb.exitWithin(30_000);
    t.equal(exit.code, 0, 'clean shutdown', exit.code === 0 ? {} : { diagnostic: true, tail: pb.tail() });
  });
}

t.test('external presence mode with Kamailio: the queue document is PUBLISHed there', { skip }, async (t) => {
  const kam = await startKamailio();
  t.teardown(() => kam.dispose());
  const [sip, admin, http] = (await freePorts(3)) as [number, number, number];
  const dir = PatchbayProcess.tempDir();
  const domain = 'cc.example.com';
  const pb = PatchbayProcess.start(yaml('external', sip, admin, http, dir, { server: kam.uri, domain }), {
    dir,
  });
  t.teardown(() => pb.cleanup());
  await pb.waitForLog(/^patchbay started/, 90_000);
  const srf = await customerApp(t);
  const w = await QueueWatcher.subscribe(srf, {
    uri: `sip:sales@${domain}`,
    proxy: kam.uri,
    from: 'sip:erin@customer.example',
  });
  if (typeof w === 'number') throw new Error(`SUBSCRIBE at Kamailio refused with ${w}`);
  const queueOf = (body: string) => {
    const d = readQueueDocument(body);
    return d.ok ? d.value.queue : undefined;
  };
  const seen = await waitFor(() => w.notifies.find((n) => queueOf(n.body) !== undefined), {
    timeoutMs: 30_000,
    what: "patchbay's queue document at Kamailio",
  });
  t.equal(queueOf(seen.body)?.callbacksOffered, true, 'the document patchbay published');
  const mark = w.notifies.length;
  pb.signal('SIGTERM');
  const exit = await pb.exitWithin(30_000);
  t.equal(exit.code, 0, 'clean shutdown', exit.code === 0 ? {} : { diagnostic: true, tail: pb.tail() });
  const after = await waitFor(() => w.notifies.slice(mark).at(-1), {
    timeoutMs: 15_000,
    what: 'NOTIFY after the removal (Expires: 0)',
  });
  t.equal(queueOf(after.body), undefined, 'removed at shutdown');
});
