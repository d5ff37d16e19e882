import t from 'tap';
import { CaptureLogger } from '../../test-support/capture-logger.js';
import { busContract } from './bus-contract.js';
import { EVENTS } from './catalogue.js';
import { createBus } from './create-bus.js';
import { MemoryBus } from './memory-bus.js';
import { FakeClock } from '../../sip-engine/util/clock.js';

busContract(t, {
  kind: 'memory',
  world: (t) => {
    const logger = new CaptureLogger();
    const bus = new MemoryBus({ nodeId: 'node-a', logger });
    t.teardown(() => bus.drain());
    return Promise.resolve({
      bus,
      logger,
      injectRaw: (topic, text) => {
        bus.receiveRaw(topic, text);
        return Promise.resolve();
      },
    });
  },
});

t.test('delivery is asynchronous: nothing arrives before publish returns to the event loop', async (t) => {
  const bus = new MemoryBus({ nodeId: 'n', clock: new FakeClock(Date.UTC(2026, 0, 2)) });
  const got: string[] = [];
  bus.subscribe('>', (e) => got.push(e.at));
  void bus.publish(EVENTS.systemStopping, { reason: 'x' });
  t.same(got, [], 'not delivered synchronously');
  await bus.drain();
  t.same(got, ['2026-01-02T00:00:00.000Z'], 'time comes from the injected clock');
});

t.test('subscribers share a frozen envelope', async (t) => {
  const bus = new MemoryBus({ nodeId: 'n' });
  let data: { changed: string[] } | undefined;
  bus.subscribe('>', (e) => (data = e.data as { changed: string[] }));
  await bus.publish(EVENTS.configReloaded, { changed: ['a'] });
  await bus.drain();
  t.throws(() => data?.changed.push('b'));
});

t.test('createBus without a url is the in-process bus', async (t) => {
  const bus = await createBus({ nodeId: 'n' });
  t.equal(bus.kind, 'memory');
  await bus.drain();
});
