import t from 'tap';
import type { Test } from 'tap';
import { WebSocket } from 'ws';
import { buildTestServer, TOKENS } from '../../test-support/http-test-server.js';
import { freePort } from '../../test-support/ports.js';
import { nextEvent, waitFor } from '../../test-support/wait.js';
import { EVENTS } from '../bus/catalogue.js';
import { MemoryBus } from '../bus/memory-bus.js';
import type { BusEnvelope, EventBus } from '../bus/types.js';

/** The real in-process bus, wrapped to count live subscriptions (to see sockets unsubscribe). */
function countingBus(): { bus: EventBus; live: () => number } {
  const inner = new MemoryBus({ nodeId: 'node-t1' });
  let live = 0;
  const bus: EventBus = {
    kind: inner.kind,
    publish: (event, data, suffix) => inner.publish(event, data, suffix),
    subscribe(pattern, handler) {
      const unsubscribe = inner.subscribe(pattern, handler);
      live += 1;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        live -= 1;
        unsubscribe();
      };
    },
    kv: (bucket) => inner.kv(bucket),
    drain: () => inner.drain(),
  };
  return { bus, live: () => live };
}

async function startServer(t: Test, opts: { wsMaxBufferedBytes?: number } = {}) {
  const { bus, live } = countingBus();
  const port = await freePort();
  const server = await buildTestServer({ port, bus, ...opts });
  await server.app.listen({ host: '127.0.0.1', port });
  t.teardown(async () => {
    await server.app.close();
    await bus.drain();
  });
  return { ...server, live, port };
}

/** Opens a client and collects every message it receives. */
async function connect(t: Test, url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const received: BusEnvelope[] = [];
  ws.on('message', (data: Buffer) => received.push(JSON.parse(data.toString('utf8')) as BusEnvelope));
  t.teardown(() => ws.terminate());
  await nextEvent(ws, 'open', { timeoutMs: 5000 });
  return { ws, received };
}

const started = { version: '1.0.0', pid: 4242 };

t.test('streams matching bus envelopes as JSON and unsubscribes on close', async (t) => {
  const { bus, live, port } = await startServer(t);
  const { ws, received } = await connect(t, `ws://127.0.0.1:${port}/api/v1/events?topics=system.>,config.*`, {
    authorization: `Bearer ${TOKENS.supervisor}`,
  });
  t.equal(live(), 2, 'one subscription per pattern');

  await bus.publish(EVENTS.configReloaded, { changed: ['http'] }, 'n1'); // config.reloaded.n1: `*` is one token
  await bus.publish(EVENTS.systemStarted, started);
  await bus.publish(EVENTS.configReloaded, { changed: ['log'] });
  await waitFor(() => received.length >= 2, { what: 'two envelopes', timeoutMs: 5000 });
  t.same(
    received.map((e) => [e.topic, e.data]),
    [
      ['system.started', started],
      ['config.reloaded', { changed: ['log'] }],
    ],
    'only matching topics, in order',
  );
  t.match(received[0], { type: 'system.started', source: 'node-t1', id: /^[0-9a-f-]{36}$/, at: /^\d{4}-/ });

  ws.close();
  await waitFor(() => live() === 0, { what: 'unsubscribe on close', timeoutMs: 5000 });
  t.equal(live(), 0);
});

t.test('an envelope matching several patterns of one socket is sent once', async (t) => {
  const { bus, port } = await startServer(t);
  const { received } = await connect(
    t,
    `ws://127.0.0.1:${port}/api/v1/events?topics=system.>,system.*,config.>`,
    { authorization: `Bearer ${TOKENS.admin}` },
  );
  await bus.publish(EVENTS.systemStarted, started);
  await bus.publish(EVENTS.configReloaded, { changed: [] });
  await waitFor(() => received.some((e) => e.topic === 'config.reloaded'), {
    what: 'the marker',
    timeoutMs: 5000,
  });
  t.same(
    received.map((e) => e.topic),
    ['system.started', 'config.reloaded'],
  );
});

t.test('browsers may pass the token as a query parameter', async (t) => {
  const { bus, port } = await startServer(t);
  const { received } = await connect(
    t,
    `ws://127.0.0.1:${port}/api/v1/events?topics=config.>&token=${TOKENS.supervisor}`,
  );
  await bus.publish(EVENTS.configReloaded, { changed: ['queues'] }, 'n2');
  await waitFor(() => received.length === 1, { what: 'one envelope', timeoutMs: 5000 });
  t.same(received[0]?.data, { changed: ['queues'] });
});

t.test('the upgrade is refused without a valid token or with bad topics', async (t) => {
  const { live, port } = await startServer(t);
  for (const [query, status] of [
    ['topics=system.>', 401],
    ['topics=system.>&token=wrong-token-wrong-token', 401],
    [`topics=system..x&token=${TOKENS.admin}`, 400],
  ] as const) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/events?${query}`);
    ws.on('error', () => undefined); // the refused handshake is the expected outcome
    const [, res] = await nextEvent<[unknown, { statusCode?: number }]>(ws, 'unexpected-response', {
      timeoutMs: 5000,
    });
    t.equal(res.statusCode, status, query);
    ws.terminate();
  }
  t.equal(live(), 0, 'nothing subscribed for refused upgrades');
});

t.test("an agent token sees its own offers and state, never another agent's", async (t) => {
  const { bus, port } = await startServer(t);
  const { received } = await connect(
    t,
    `ws://127.0.0.1:${port}/api/v1/events?topics=call.offered.>,call.offer-ended.>,agent.state.>,system.>&token=${TOKENS.agent}`,
  );
  const offered = (callId: string, agentId: string) => ({
    callId,
    offerId: `${callId}.o1`,
    agentId,
    queueId: 'sales',
    caller: '+4989123456',
    devices: 1,
    personalManager: false,
    at: '2026-01-01T00:00:00.000Z',
  });
  const state = (agentId: string, to: string) => ({
    agentId,
    version: 2,
    from: 'ready',
    to,
    mode: 'ready',
    event: 'offer',
    at: '2026-01-01T00:00:00.000Z',
    availability: { voice: 'unavailable' },
  });
  await bus.publish(EVENTS.callOffered, offered('c1', 'a18'), 'c1');
  await bus.publish(EVENTS.agentState, state('a18', 'reserved'), 'a18');
  await bus.publish(EVENTS.systemStarted, started);
  await bus.publish(EVENTS.callOffered, offered('c2', 'a17'), 'c2');
  await bus.publish(EVENTS.agentState, state('a17', 'reserved'), 'a17');
  await bus.publish(
    EVENTS.callOfferEnded,
    {
      callId: 'c2',
      offerId: 'c2.o1',
      agentId: 'a17',
      outcome: 'answered',
      ringMs: 900,
      at: '2026-01-01T00:00:01.000Z',
    },
    'c2',
  );
  await waitFor(() => received.some((e) => e.topic === 'call.offer-ended.c2'), {
    what: "a17's offer end",
    timeoutMs: 5000,
  });
  t.same(
    received.map((e) => e.topic),
    ['call.offered.c2', 'agent.state.a17', 'call.offer-ended.c2'],
    "only a17's (the token's agent) envelopes; a18's and system events filtered out",
  );
  t.match(received[0]?.data, { agentId: 'a17', queueId: 'sales', caller: '+4989123456' });
});

t.test('a client that does not keep up is closed with 1013 and the drop is counted', async (t) => {
  const { bus, live, port, metrics } = await startServer(t, { wsMaxBufferedBytes: -1 });
  const { ws, received } = await connect(t, `ws://127.0.0.1:${port}/api/v1/events?topics=system.>`, {
    authorization: `Bearer ${TOKENS.supervisor}`,
  });
  const closed = nextEvent<[number, Buffer]>(ws, 'close', { timeoutMs: 5000 });
  await bus.publish(EVENTS.systemStopping, { reason: 'test' });
  const [code] = await closed;
  t.equal(code, 1013);
  t.equal(received.length, 0);
  t.match(await metrics.text(), /patchbay_ws_events_dropped_total\{reason="backpressure"\} 1/);
  await waitFor(() => live() === 0, { what: 'unsubscribe after close', timeoutMs: 5000 });
});
