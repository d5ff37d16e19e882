/**
 * The bus contract against the machine's NATS (127.0.0.1:4222, JetStream on). Each test has its
 * own namespace (subjects `<ns>.…`, buckets `<ns>_…`); its KV buckets are deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import t, { type Test } from 'tap';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { CaptureLogger } from '../../test-support/capture-logger.js';
import { freePort } from '../../test-support/ports.js';
import { requireService } from '../../test-support/services.js';
import { waitFor } from '../../test-support/wait.js';
import { busContract } from './bus-contract.js';
import { EVENTS } from './catalogue.js';
import { createBus } from './create-bus.js';
import { NatsBus } from './nats-bus.js';
import type { BusEnvelope } from './types.js';

const URL = 'nats://127.0.0.1:4222';

t.test('an unreachable server is BusError unreachable', async (t) => {
  const port = await freePort();
  await t.rejects(NatsBus.connect({ url: `nats://127.0.0.1:${port}`, nodeId: 'n', connectTimeoutMs: 1000 }), {
    code: 'unreachable',
  });
});

// Unreachable: skipped with the reason locally, a failure under CI=true.
const svc = await requireService('NATS', '127.0.0.1', 4222);

async function destroyBuckets(admin: NatsConnection, namespace: string): Promise<void> {
  const kvm = new Kvm(admin);
  for await (const status of kvm.list()) {
    if (status.bucket.startsWith(`${namespace}_`)) await (await kvm.open(status.bucket)).destroy();
  }
}

t.test('NATS', 'skip' in svc ? { skip: svc.skip } : {}, async (t) => {
  const admin = await connect({ servers: URL });
  t.teardown(() => admin.close());

  async function openBus(
    t: Test,
    namespace: string,
    nodeId: string,
    logger = new CaptureLogger(),
  ): Promise<NatsBus> {
    const bus = await NatsBus.connect({ url: URL, nodeId, logger, namespace, kvStorage: 'memory' });
    t.teardown(() => bus.drain());
    return bus;
  }

  busContract(t, {
    kind: 'nats',
    world: async (t) => {
      const namespace = `t${randomUUID().slice(0, 8)}`;
      t.teardown(() => destroyBuckets(admin, namespace));
      const logger = new CaptureLogger();
      const bus = await openBus(t, namespace, 'node-a', logger);
      const injectRaw = async (topic: string, text: string): Promise<void> => {
        await bus.flush(); // the server has the test's subscriptions before the peer publishes
        admin.publish(`${namespace}.${topic}`, text);
        await admin.flush();
      };
      return { bus, logger, injectRaw };
    },
  });

  t.test('two nodes on one namespace see each other; another namespace sees nothing', async (t) => {
    const namespace = `t${randomUUID().slice(0, 8)}`;
    const a = await openBus(t, namespace, 'node-a');
    const b = await openBus(t, namespace, 'node-b');
    const stranger = await openBus(t, `t${randomUUID().slice(0, 8)}`, 'node-c');
    const atB: BusEnvelope[] = [];
    const atStranger: BusEnvelope[] = [];
    b.subscribe('system.>', (e) => atB.push(e));
    stranger.subscribe('>', (e) => atStranger.push(e));
    await stranger.flush();
    await b.drain(); // b's subscription is registered ... and then gone: b sees nothing from now on
    const b2 = await openBus(t, namespace, 'node-b');
    b2.subscribe('system.>', (e) => atB.push(e));
    await b2.flush();
    await a.publish(EVENTS.systemStarted, { version: '1', pid: 42 }, 'node-a');
    await waitFor(() => atB.length === 1, { what: 'delivery to node-b', timeoutMs: 5000 });
    t.match(atB[0], { source: 'node-a', topic: 'system.started.node-a', data: { version: '1', pid: 42 } });
    await stranger.drain(); // its flush round trip passes anything the server had routed to it
    t.same(atStranger, [], 'namespaces are isolated');
    t.equal(atB.length, 1, 'the drained node-b got nothing');
  });

  t.test('KV buckets are shared by the nodes of a namespace', async (t) => {
    const namespace = `t${randomUUID().slice(0, 8)}`;
    t.teardown(() => destroyBuckets(admin, namespace));
    const a = await openBus(t, namespace, 'node-a');
    const b = await openBus(t, namespace, 'node-b');
    const rev = await (await a.kv('agents')).put('a17', 'ready');
    t.same(await (await b.kv('agents')).get('a17'), { value: 'ready', revision: rev });
    await t.rejects((await b.kv('agents')).put('a17', 'late', rev - 1 || 99), { code: 'kv-conflict' });
    await a.destroyKv('agents');
    const left = [];
    for await (const s of new Kvm(admin).list())
      if (s.bucket.startsWith(`${namespace}_`)) left.push(s.bucket);
    t.same(left, [], 'destroyKv deleted the bucket');
  });

  t.test('createBus with a url is the NATS bus and logs its connection', async (t) => {
    const logger = new CaptureLogger();
    const bus = await createBus({ url: URL, nodeId: 'n', logger });
    t.equal(bus.kind, 'nats');
    t.equal(logger.withMsg('bus connected to NATS').length, 1);
    await bus.drain();
  });
});
