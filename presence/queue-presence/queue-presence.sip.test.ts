/**
 * Queue presence over real SIP: patchbay's engine hosting an srf app with the embedded presence
 * server and the queue route attached (one SUBSCRIBE handler), customers as srf UAC apps on a
 * second engine and as a sip.js user agent over WebSocket. The test publishes queue.state and call
 * events on the in-process bus and reads the NOTIFYs. Server timers (rate control, expiry, hours)
 * run on a FakeClock, so pacing is counted, never timed.
 */
import t from 'tap';
import { Subscriber, SubscriptionState, UserAgent } from 'sip.js';
import type { Srf as PatchbaySrf } from '../../infra/drachtio/srf-connection.js';
import { createBus } from '../../infra/bus/index.js';
import { CALL_EVENTS } from '../../infra/bus/call-events.js';
import { FakeClock, systemClock } from '../../sip-engine/util/clock.js';
import { startEngineWorld } from '../../sip-tests/engine/engine-world.js';
import { SipJsAgent } from '../../test-support/sipjs-agent.js';
import { waitFor } from '../../test-support/wait.js';
import { computeStoredHa1, DigestAuthenticator } from '../registrar/digest.js';
import {
  DEFAULT_SUBSCRIPTION,
  digestPresenceAuthenticator,
  PresenceServer,
  silentLogger,
  srfNotifyChannels,
} from '../server/index.js';
import { feedQueuePresence, QueuePresence, queueSubscribeRoute, readQueueDocument } from './index.js';
import type { QueueDocument } from './index.js';
import { QueueWatcher } from './testing/queue-watcher.js';
import type { QueueNotify } from './testing/queue-watcher.js';
import { QUEUES, SERVICES, DOMAIN, MONDAY_11_PARIS } from './testing/fixtures.js';

const clock = new FakeClock(MONDAY_11_PARIS);
const bus = await createBus({ nodeId: 'queue-presence-test' });
t.teardown(() => bus.drain());
const presence = new QueuePresence({
  domain: DOMAIN,
  queues: QUEUES,
  services: SERVICES,
  minIntervalS: 5,
  clock,
});
feedQueuePresence(bus, presence);
const digest = new DigestAuthenticator({
  realm: DOMAIN,
  secret: 'queue-presence-secret!',
  clock: systemClock,
  algorithms: ['MD5'],
});
const users = new Map([['carol', computeStoredHa1('carol', DOMAIN, 'carol-pw')]]);
const authenticator = digestPresenceAuthenticator(digest, { ha1Of: (u) => users.get(u) }, DOMAIN);
const server = new PresenceServer({
  options: { domains: [DOMAIN] },
  clock,
  authenticator,
  directory: { isPresentity: () => false },
});
server.addSubscribeRoute(
  queueSubscribeRoute({
    presence,
    authenticator,
    expires: DEFAULT_SUBSCRIPTION,
    maxPerResource: 1000,
    channels: (srf) => srfNotifyChannels(srf),
    log: silentLogger,
  }),
);

const serverWorld = await startEngineWorld(t, { transports: ['udp', 'ws'] });
const clientWorld = await startEngineWorld(t, { transports: ['udp'] });
await serverWorld.connectApp((srf) => server.attach(srf as unknown as PatchbaySrf), ['publish', 'subscribe']);
serverWorld.defer(async () => {
  await presence.close();
  await server.close();
});
const client = await clientWorld.connectApp();
const proxy = `sip:${serverWorld.hostport('udp')};transport=udp`;

function doc(n: QueueNotify | string): QueueDocument {
  const r = readQueueDocument(typeof n === 'string' ? n : n.body);
  if (!r.ok) throw r.error;
  return r.value;
}

async function watch(
  user: string,
  opts: {
    from?: string;
    event?: string;
    headers?: Record<string, string>;
    auth?: { username: string; password: string };
  } = {},
) {
  return QueueWatcher.subscribe(client, {
    uri: `sip:${user}@${DOMAIN}`,
    proxy,
    from: opts.from ?? 'sip:dave@customer.example',
    ...(opts.event !== undefined ? { event: opts.event } : {}),
    ...(opts.headers !== undefined ? { headers: opts.headers } : {}),
    ...(opts.auth !== undefined ? { auth: opts.auth } : {}),
  });
}

async function watcher(user: string, opts: Parameters<typeof watch>[1] = {}): Promise<QueueWatcher> {
  const w = await watch(user, opts);
  if (typeof w === 'number') throw new Error(`SUBSCRIBE refused with ${w}`);
  return w;
}

const queueState = (
  queueId: string,
  s: Partial<{
    open: boolean;
    accepting: boolean;
    depth: number;
    availableAgents: number;
    loggedInAgents: number;
    nextOpenAt: string;
  }>,
) =>
  bus.publish(
    CALL_EVENTS.queueState,
    {
      queueId,
      open: true,
      accepting: true,
      depth: 0,
      longestWaitMs: 0,
      availableAgents: 0,
      loggedInAgents: 0,
      at: clock.wallNow().toISOString(),
      ...s,
    },
    queueId,
  );

t.test(
  'a sip.js customer over WebSocket: 200, an immediate NOTIFY in French, open within hours',
  async (t) => {
    const agent = new SipJsAgent({
      server: `ws://${serverWorld.hostport('ws')}`,
      aor: 'sip:eve@customer.example',
    });
    await agent.start();
    t.teardown(() => agent.stop());
    const seen: { state: string; body: string }[] = [];
    const target = UserAgent.makeURI(`sip:sales@${DOMAIN}`);
    if (!target) throw new Error('bad URI');
    const sub = new Subscriber(agent.ua, target, 'presence', {
      expires: 600,
      extraHeaders: ['Accept-Language: fr, en;q=0.5'],
    });
    sub.delegate = {
      onNotify: (n) => {
        seen.push({ state: n.request.getHeader('Subscription-State') ?? '', body: n.request.body });
        n.accept();
      },
    };
    await sub.subscribe();
    const first = await waitFor(() => seen[0], { timeoutMs: 20_000, what: 'first NOTIFY' });
    t.match(first.state, /^active;expires=\d+;min-interval=5$/);
    const d = doc(first.body);
    t.equal(d.pidf.entity, `sip:sales@${DOMAIN}`);
    t.equal(d.pidf.tuples[0]?.basic, 'open', 'Monday 11:00 in Paris: within hours');
    t.same(d.pidf.tuples[0]?.notes, [{ text: 'Équipe commerciale', lang: 'fr' }]);
    t.same(d.pidf.persons[0]?.activities?.activities, ['working']);
    t.same(d.queue, {
      withinHours: true,
      accepting: true,
      depth: 0,
      availableAgents: 0,
      expectedWaitS: undefined,
      expectedWaitMethod: undefined,
      callbacksOffered: true,
    });
    const key = presence.notifier.list()[0]?.key;
    t.ok(key, 'the notifier holds the subscription');
    await sub.unsubscribe();
    // sip.js consumes the final NOTIFY itself; the server drops the subscription once it is answered.
    await waitFor(() => sub.state === SubscriptionState.Terminated, {
      timeoutMs: 20_000,
      what: 'sip.js terminated',
    });
    await waitFor(() => presence.notifier.get(key ?? '') === undefined, {
      timeoutMs: 20_000,
      what: 'subscription gone',
    });
  },
);

t.test('changes within the min-interval are coalesced into one NOTIFY with the latest state', async (t) => {
  const w = await watcher('sales');
  const first = await w.notify(0);
  t.ok(first.etag, 'SIP-ETag on every NOTIFY (RFC 5839)');
  await queueState('sales', { depth: 1, loggedInAgents: 2 });
  await queueState('sales', { depth: 2, loggedInAgents: 2 });
  await queueState('sales', { depth: 3, loggedInAgents: 2 });
  await waitFor(() => presence.liveOf('sales').depth === 3, { what: 'bus delivered the three states' });
  t.equal(w.notifies.length, 1, 'nothing sent before the min-interval elapses');
  clock.advance(5_000);
  const second = await w.notify(1);
  t.equal(doc(second).queue?.depth, 3, 'the coalesced NOTIFY carries the latest depth');
  t.not(second.etag, first.etag);
  // An in-dialog refresh answers with a NOTIFY at once; it is the third: nothing was sent between.
  t.equal(await w.resubscribe(600), 200);
  await w.notify(2);
  t.equal(w.notifies.length, 3, 'three changes → one NOTIFY');
  t.equal(await w.resubscribe(0), 200);
  t.equal((await w.notify(3)).state, 'terminated;reason=timeout');
});

t.test(
  'RFC 5839: a refresh with Suppress-If-Match of the current entity-tag gets 204 and no NOTIFY',
  async (t) => {
    const w = await watcher('sales');
    const first = await w.notify(0);
    t.equal(await w.resubscribe(600, { 'Suppress-If-Match': first.etag ?? '' }), 204);
    t.equal(await w.resubscribe(600, { 'Suppress-If-Match': 'stale-tag' }), 200);
    const second = await w.notify(1);
    t.equal(second.etag, first.etag, 'same state, same entity-tag');
    t.equal(w.notifies.length, 2, 'the 204 refresh sent no NOTIFY');
    t.equal(await w.resubscribe(0), 200);
    await w.notify(2);
  },
);

t.test('RFC 6446: the watcher asks for a longer min-interval and a max-interval', async (t) => {
  const w = await watcher('sales', { event: 'presence;min-interval=60;max-interval=120' });
  t.match((await w.notify(0)).state, /;min-interval=60;max-interval=120$/);
  await queueState('sales', { depth: 4, loggedInAgents: 2 });
  await waitFor(() => presence.liveOf('sales').depth === 4);
  clock.advance(5_000);
  t.equal(w.notifies.length, 1, 'the default 5 s does not apply: the watcher asked for 60');
  clock.advance(55_000);
  t.equal(doc(await w.notify(1)).queue?.depth, 4);
  clock.advance(120_000);
  const periodic = await w.notify(2);
  t.equal(doc(periodic).queue?.depth, 4, 'max-interval: the unchanged state again');
  t.equal(await w.resubscribe(0), 200);
  t.equal(
    (await w.notify(3)).state,
    'terminated;reason=timeout',
    'the 4th NOTIFY is the final one: none was sent at 5 s',
  );
});

t.test('closed: basic closed, RFC 4481 timed-status with the next opening, activity away', async (t) => {
  const w = await watcher('sales');
  await w.notify(0);
  await queueState('sales', { open: false, accepting: false, nextOpenAt: '2026-11-24T08:00:00.000Z' });
  await waitFor(() => !presence.liveOf('sales').open);
  clock.advance(5_000);
  const d = doc(await w.notify(1));
  t.equal(d.pidf.tuples[0]?.basic, 'closed');
  t.same(d.pidf.tuples[0]?.timedStatus, [{ from: '2026-11-24T08:00:00.000Z', basic: 'open' }]);
  t.same(d.pidf.persons[0]?.activities?.activities, ['away']);
  t.equal(d.queue?.expectedWaitS, undefined, 'no expected wait while closed');
  t.equal(await w.resubscribe(0), 200);
  await w.notify(2);
  await queueState('sales', { open: true, accepting: true, depth: 0, loggedInAgents: 2 });
  await waitFor(() => presence.liveOf('sales').open);
});

t.test('expected wait: Erlang A from the call events, hand-computed', async (t) => {
  // 5 completed calls of 120 s: μ = 1/120 per s; no abandonment: θ = 0. 2 agents, 3 waiting:
  // the next caller is 4th: W = 4 / (2/120) = 240 s.
  for (let i = 0; i < 5; i++) {
    await bus.publish(
      CALL_EVENTS.callAnswered,
      { callId: `c${i}`, agentId: 'a1', queueId: 'sales', waitMs: 10_000, at: clock.wallNow().toISOString() },
      `c${i}`,
    );
    await bus.publish(
      CALL_EVENTS.callEnded,
      {
        callId: `c${i}`,
        outcome: 'completed',
        queueId: 'sales',
        agentId: 'a1',
        waitMs: 10_000,
        talkMs: 120_000,
        at: clock.wallNow().toISOString(),
      },
      `c${i}`,
    );
  }
  await queueState('sales', { depth: 3, availableAgents: 0, loggedInAgents: 2 });
  await waitFor(
    () => presence.stats.figures('sales').completed === 5 && presence.liveOf('sales').depth === 3,
  );
  const w = await watcher('sales');
  const q = doc(await w.notify(0)).queue;
  t.equal(q?.expectedWaitS, 240);
  t.equal(q?.expectedWaitMethod, 'erlang-a');
  t.equal(await w.resubscribe(0), 200);
  await w.notify(1);
});

t.test('a service aggregates its queues', async (t) => {
  await queueState('vip', { open: true, accepting: true, depth: 1, availableAgents: 0, loggedInAgents: 1 });
  await waitFor(() => presence.liveOf('vip').depth === 1);
  const w = await watcher('contact');
  const d = doc(await w.notify(0));
  t.equal(d.pidf.entity, `sip:contact@${DOMAIN}`);
  t.equal(d.queue?.depth, presence.liveOf('sales').depth + 1);
  t.equal(await w.resubscribe(0), 200);
  await w.notify(1);
});

t.test(
  'authorization: digest for an authenticated queue, 403 or polite blocking for allowlists',
  async (t) => {
    t.equal(await watch('vip'), 401, 'no credentials: challenged');
    const carol = await watcher('vip', {
      from: `sip:carol@${DOMAIN}`,
      auth: { username: 'carol', password: 'carol-pw' },
    });
    t.match((await carol.notify(0)).state, /^active/);
    t.equal(await carol.resubscribe(0), 200);
    await carol.notify(1);
    t.equal(await watch('internal', { from: 'sip:dave@customer.example' }), 403, 'not on the allowlist');
    const boss = await watcher('internal', { from: `sip:boss@${DOMAIN}` });
    t.match((await boss.notify(0)).state, /^active/);
    t.equal(await boss.resubscribe(0), 200);
    const blocked = await watcher('partners', { from: 'sip:dave@customer.example' });
    const pending = await blocked.notify(0);
    t.match(pending.state, /^pending/);
    t.equal(pending.body, '', 'a politely blocked watcher learns nothing');
    const rejected = await blocked.notify(1);
    t.equal(rejected.state, 'terminated;reason=rejected');
    const partner = await watcher('partners', { from: 'sip:pat@sub.partner.example' });
    t.match((await partner.notify(0)).state, /^active/, '*.partner.example is allowed');
    t.equal(await partner.resubscribe(0), 200);
  },
);

t.test('unknown users and other packages are refused', async (t) => {
  t.equal(
    await watch('nobody'),
    401,
    'not a queue: the agents presence server answers (it challenges first)',
  );
  t.equal(await watch('sales', { event: 'dialog' }), 489);
  t.equal(await watch('sales', { event: 'presence;min-interval=-3' }), 400);
  t.equal(await watch('sales', { headers: { Accept: 'application/xpidf+xml' } }), 406);
});

t.test('queue removed: noresource; shutdown: deactivated', async (t) => {
  const sales = await watcher('sales');
  await sales.notify(0);
  const contact = await watcher('contact');
  await contact.notify(0);
  presence.setResources(
    QUEUES.filter((q) => q.id !== 'sales'),
    SERVICES.map((s) => ({ ...s, queues: ['vip'] })),
  );
  t.equal((await sales.notify(1)).state, 'terminated;reason=noresource');
  await presence.close();
  const final = await waitFor(() => contact.notifies.find((n) => n.state.startsWith('terminated')), {
    timeoutMs: 20_000,
  });
  t.equal(final.state, 'terminated;reason=deactivated');
  t.equal(presence.notifier.list().length, 0, 'every subscription dropped');
});
