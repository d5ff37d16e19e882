/**
 * External presence mode over real SIP: patchbay's srf app PUBLISHes the sales queue's document
 * (RFC 3903) to Kamailio's presence server (sip-tests/harness/kamailio.ts); a customer (an srf UAC
 * on a second engine) SUBSCRIBEs at Kamailio to sip:sales@cc.example.com and receives patchbay's
 * document. Checked: initial PUBLISH; a queue change → modify with SIP-If-Match → the customer
 * sees the new depth; a refresh before the (short) expiry; our publication removed behind our back
 * → the next PUBLISH gets 412 → a fresh initial PUBLISH → the customer sees the document again;
 * close → Expires: 0 → Kamailio tells the customer there is nothing published any more.
 */
import t from 'tap';
import { systemClock } from '../../sip-engine/util/clock.js';
import { startEngineWorld } from '../../sip-tests/engine/engine-world.js';
import { requireKamailio, startKamailio } from '../../sip-tests/harness/kamailio.js';
import { waitFor } from '../../test-support/wait.js';
import type { Srf as PatchbaySrf } from '../../infra/drachtio/srf-connection.js';
import { QueuePresence, readQueueDocument } from './index.js';
import type { QueueLive } from './index.js';
import { QueuePublications } from './queue-publications.js';
import { srfPublishChannel } from './sip/srf-publish-channel.js';
import { QueueWatcher } from './testing/queue-watcher.js';
import type { QueueNotify } from './testing/queue-watcher.js';

const kamailio = requireKamailio();
const skip = 'skip' in kamailio ? kamailio.skip : false;
const DOMAIN = 'cc.example.com';
const SALES = `sip:sales@${DOMAIN}`;

const live = (depth: number): QueueLive => ({
  open: true,
  accepting: true,
  depth,
  longestWaitMs: depth * 1000,
  availableAgents: 0,
  loggedInAgents: 2,
});

const depthOf = (n: QueueNotify): number | undefined => {
  const d = readQueueDocument(n.body);
  return d.ok ? d.value.queue?.depth : undefined;
};

t.test('the queue document reaches customers subscribed at Kamailio', { skip }, async (t) => {
  const kam = await startKamailio();
  t.teardown(() => kam.dispose());
  const patchbay = await startEngineWorld(t, { transports: ['udp'] });
  const customers = await startEngineWorld(t, { transports: ['udp'] });
  const srf = await patchbay.connectApp();
  const client = await customers.connectApp();
  const presence = new QueuePresence({
    domain: DOMAIN,
    queues: [
      {
        id: 'sales',
        presence: {
          users: ['sales'],
          access: 'public',
          denied: 'forbidden',
          notes: {},
          offerCallbacks: true,
        },
      },
    ],
    minIntervalS: 0,
    clock: systemClock,
  });
  presence.queueState('sales', live(0));
  const pubs = new QueuePublications({
    presence,
    channelFor: (uri) => srfPublishChannel(srf as unknown as PatchbaySrf, { uri, server: kam.uri }),
    expiresS: 8, // refreshed 5 s before: within the test
    minIntervalMs: 0,
    clock: systemClock,
  });
  t.teardown(async () => {
    await pubs.close();
    await presence.close();
  });
  const view = () => pubs.view(SALES);
  pubs.start();
  await waitFor(() => view()?.state === 'published', { timeoutMs: 10_000, what: 'initial PUBLISH accepted' });
  t.equal(view()?.sent.initial, 1);

  const w = await QueueWatcher.subscribe(client, {
    uri: SALES,
    proxy: kam.uri,
    from: 'sip:dave@customer.example',
  });
  if (typeof w === 'number') throw new Error(`SUBSCRIBE at Kamailio refused: ${w}\n${kam.logTail()}`);
  const seen = (what: string, check: (n: QueueNotify) => boolean) =>
    waitFor(() => w.notifies.find(check), { timeoutMs: 15_000, what });
  const first = await seen('the published document', (n) => depthOf(n) === 0);
  const d = readQueueDocument(first.body);
  t.ok(d.ok && d.value.pidf.tuples[0]?.basic === 'open', 'open, as patchbay published it');
  t.ok(d.ok && d.value.queue?.callbacksOffered === true, "patchbay's queue namespace survives Kamailio");

  presence.queueState('sales', live(3));
  await seen('depth 3 after the modify', (n) => depthOf(n) === 3);
  t.ok((view()?.sent.modify ?? 0) >= 1, 'a modify PUBLISH with SIP-If-Match');

  const tag = view()?.etag;
  await waitFor(() => (view()?.sent.refresh ?? 0) >= 1 && view()?.state === 'published', {
    timeoutMs: 15_000,
    what: 'a refresh before expiry',
  });
  t.not(view()?.etag, tag, 'the refresh got a new entity-tag');

  // Someone removes our publication at the server: the next PUBLISH gets 412 and starts over.
  const outsider = srfPublishChannel(client as unknown as PatchbaySrf, { uri: SALES, server: kam.uri });
  const removed = await outsider.publish({ kind: 'remove', etag: view()?.etag ?? '', expiresS: 0 });
  t.equal(removed.kind, 'accepted', 'removed behind our back');
  const mark = w.notifies.length;
  presence.queueState('sales', live(5));
  await waitFor(() => (view()?.preconditionFailures ?? 0) >= 1, { timeoutMs: 15_000, what: '412' });
  await waitFor(() => w.notifies.slice(mark).find((n) => depthOf(n) === 5), {
    timeoutMs: 15_000,
    what: 'depth 5 after the fresh initial PUBLISH',
  });
  t.ok((view()?.sent.initial ?? 0) >= 2, '412 → a fresh initial PUBLISH');

  const beforeClose = w.notifies.length;
  await pubs.close();
  t.equal(view()?.state, 'closed');
  t.equal(view()?.sent.remove, 1, 'Expires: 0 at close');
  const last = await waitFor(() => w.notifies.slice(beforeClose).at(-1), {
    timeoutMs: 15_000,
    what: 'NOTIFY after the removal',
  });
  t.equal(depthOf(last), undefined, 'the queue document is gone at Kamailio');
});
