/**
 * The bus contract, run against MemoryBus (memory-bus.test.ts) and NatsBus (nats-bus.test.ts).
 * Each test gets a fresh world (NATS: its own namespace, so its own subjects and KV buckets).
 * "Everything published has been delivered" is established with drain(), never with a sleep.
 */
import type { Test } from 'tap';
import { Type } from '@sinclair/typebox';
import type { CaptureLogger } from '../../test-support/capture-logger.js';
import { waitFor } from '../../test-support/wait.js';
import { EVENTS, defineEvent } from './catalogue.js';
import { BusError, type BusEnvelope, type EventBus } from './types.js';

export interface BusWorld {
  bus: EventBus;
  logger: CaptureLogger;
  /** Delivers raw text as if a peer had published it on `topic`. */
  injectRaw: (topic: string, text: string) => Promise<void>;
}

export interface BusHarness {
  kind: 'memory' | 'nats';
  /** A new isolated world; torn down (bus drained, buckets deleted) with `t`. */
  world(t: Test): Promise<BusWorld>;
}

function collect(bus: EventBus, pattern: string): BusEnvelope[] {
  const got: BusEnvelope[] = [];
  bus.subscribe(pattern, (e) => got.push(e));
  return got;
}

const topics = (got: BusEnvelope[]): string[] => got.map((e) => e.topic);

async function thrown(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (err: unknown) => err,
  );
}

type Case = (t: Test, harness: BusHarness) => Promise<void>;

const wildcards: Case = async (t, harness) => {
  const { bus } = await harness.world(t);
  const star = collect(bus, 'system.*');
  const rest = collect(bus, 'system.>');
  const all = collect(bus, '>');
  const exact = collect(bus, 'config.reloaded');
  const mid = collect(bus, 'system.*.n1');
  await bus.publish(EVENTS.systemStarted, { version: '1', pid: 1 });
  await bus.publish(EVENTS.systemStarted, { version: '1', pid: 1 }, 'n1');
  await bus.publish(EVENTS.systemStopping, { reason: 'x' }, 'n1.deep');
  await bus.publish(EVENTS.configReloaded, { changed: [] });
  await bus.drain();
  t.same(topics(star), ['system.started']);
  t.same(topics(rest), ['system.started', 'system.started.n1', 'system.stopping.n1.deep']);
  t.same(topics(all), ['system.started', 'system.started.n1', 'system.stopping.n1.deep', 'config.reloaded']);
  t.same(topics(exact), ['config.reloaded']);
  t.same(topics(mid), ['system.started.n1']);
};

const envelopeFields: Case = async (t, harness) => {
  const { bus } = await harness.world(t);
  const got = collect(bus, 'config.>');
  await bus.publish(EVENTS.configReloaded, { changed: ['gateways', 'queues'] }, 'node-a');
  await bus.drain();
  const e = got[0];
  t.equal(got.length, 1);
  t.match(e, { topic: 'config.reloaded.node-a', type: 'config.reloaded', source: 'node-a' });
  t.same(e?.data, { changed: ['gateways', 'queues'] });
  t.match(e?.id, /^[0-9a-f-]{36}$/);
  t.ok(!Number.isNaN(Date.parse(e?.at ?? '')), 'at is an ISO time');
};

const ordering: Case = async (t, harness) => {
  const { bus } = await harness.world(t);
  const got = collect(bus, 'system.started.*');
  const n = 300;
  for (let i = 1; i <= n; i++) await bus.publish(EVENTS.systemStarted, { version: 'v', pid: i }, `t${i % 3}`);
  await bus.drain();
  t.equal(got.length, n);
  for (const topic of ['system.started.t0', 'system.started.t1', 'system.started.t2']) {
    const seq = got.filter((e) => e.topic === topic).map((e) => (e.data as { pid: number }).pid);
    t.ok(seq.length > 0 && seq.every((v, i) => i === 0 || v > (seq[i - 1] ?? 0)), `${topic} in order`);
  }
  t.same(
    got.map((e) => (e.data as { pid: number }).pid),
    Array.from({ length: n }, (_, i) => i + 1),
  );
};

const publishValidation: Case = async (t, harness) => {
  const { bus } = await harness.world(t);
  const got = collect(bus, '>');
  const bad = { version: 5, pid: 0 } as unknown as { version: string; pid: number };
  const err = await thrown(bus.publish(EVENTS.systemStarted, bad));
  t.ok(err instanceof BusError);
  t.match(err, { code: 'invalid-payload', message: /\/version.*\/pid|\/pid.*\/version/ });
  t.same([...new Set((err as BusError).issues.map((i) => i.path))].sort(), ['/pid', '/version']);
  const lookalike = defineEvent('system.started', Type.Object({}));
  t.match(await thrown(bus.publish(lookalike, {})), { code: 'unknown-type' });
  t.match(await thrown(bus.publish(EVENTS.systemStopping, { reason: 'x' }, 'a..b')), {
    code: 'invalid-topic',
  });
  t.match(await thrown(bus.publish(EVENTS.systemStopping, { reason: 'x' }, 'a.*')), {
    code: 'invalid-topic',
  });
  t.throws(() => bus.subscribe('a.>.b', () => undefined), { code: 'invalid-topic' });
  await bus.drain();
  t.same(got, [], 'nothing invalid went out');
};

const receiptValidation: Case = async (t, harness) => {
  const { bus, logger, injectRaw } = await harness.world(t);
  const got = collect(bus, 'system.>');
  const base = { id: 'x', at: new Date(0).toISOString(), source: 'evil' };
  await injectRaw('system.started', '{not json');
  await injectRaw(
    'system.started',
    JSON.stringify({ ...base, topic: 'system.started', type: 'system.started', data: { version: 1 } }),
  );
  await injectRaw(
    'system.started',
    JSON.stringify({
      ...base,
      topic: 'system.other',
      type: 'system.started',
      data: { version: '1', pid: 1 },
    }),
  );
  await injectRaw(
    'system.started',
    JSON.stringify({ ...base, topic: 'system.started', type: 'system.unknown', data: {} }),
  );
  await injectRaw('system.started', JSON.stringify({ topic: 'system.started' }));
  await waitFor(() => logger.withMsg('bus event dropped').length >= 5, {
    what: 'five drops',
    timeoutMs: 5000,
  });
  const reasons = logger.withMsg('bus event dropped').map((e) => (e.obj as { reason: string }).reason);
  const expected = [
    /not JSON/,
    /invalid system.started payload: .*\/version/,
    /differs from the subject/,
    /does not belong/,
    /not an envelope/,
  ];
  t.equal(reasons.length, expected.length);
  expected.forEach((re, i) => t.match(reasons[i], re));
  const issues = (logger.withMsg('bus event dropped')[1]?.obj as { issues: { path: string }[] }).issues;
  t.same([...new Set(issues.map((i) => i.path))].sort(), ['/pid', '/version']);
  await injectRaw(
    'system.started',
    JSON.stringify({
      ...base,
      topic: 'system.started',
      type: 'system.started',
      data: { version: '1', pid: 7 },
    }),
  );
  await waitFor(() => got.length === 1, { what: 'the valid event', timeoutMs: 5000 });
  t.same(got[0]?.data, { version: '1', pid: 7 });
};

const lateSubscription: Case = async (t, harness) => {
  const { bus } = await harness.world(t);
  const early = collect(bus, 'system.>');
  await bus.publish(EVENTS.systemStopping, { reason: 'one' });
  const late = collect(bus, 'system.>');
  await bus.publish(EVENTS.systemStopping, { reason: 'two' });
  await bus.drain();
  t.same(
    early.map((e) => e.data),
    [{ reason: 'one' }, { reason: 'two' }],
  );
  t.same(
    late.map((e) => e.data),
    [{ reason: 'two' }],
  );
};

const unsubscribeAndThrowingHandler: Case = async (t, harness) => {
  const { bus, logger } = await harness.world(t);
  const kept = collect(bus, 'system.>');
  const dropped: BusEnvelope[] = [];
  const unsubscribe = bus.subscribe('system.>', (e) => dropped.push(e));
  const unsubscribeFailing = bus.subscribe('system.>', () => {
    throw new Error('handler bug');
  });
  await bus.publish(EVENTS.systemStopping, { reason: 'one' });
  const firstDelivered = (): boolean =>
    kept.length === 1 && dropped.length === 1 && logger.withMsg('bus subscriber threw').length === 1;
  await waitFor(firstDelivered, { what: 'first delivery', timeoutMs: 5000 });
  unsubscribe();
  unsubscribeFailing();
  await bus.publish(EVENTS.systemStopping, { reason: 'two' });
  await bus.drain();
  t.same(
    kept.map((e) => e.data),
    [{ reason: 'one' }, { reason: 'two' }],
  );
  t.same(
    dropped.map((e) => e.data),
    [{ reason: 'one' }],
  );
  t.equal(logger.withMsg('bus subscriber threw').length, 1);
};

const drainFlushes: Case = async (t, harness) => {
  const { bus } = await harness.world(t);
  const got = collect(bus, '>');
  const n = 1000;
  for (let i = 1; i <= n; i++) void bus.publish(EVENTS.systemStarted, { version: 'v', pid: i });
  await bus.drain();
  t.equal(got.length, n, 'all delivered by the time drain resolves');
  t.match(await thrown(bus.publish(EVENTS.systemStopping, { reason: 'late' })), { code: 'closed' });
  t.throws(() => bus.subscribe('>', () => undefined), { code: 'closed' });
  t.match(await thrown(bus.kv('late')), { code: 'closed' });
  await bus.drain();
  t.pass('drain twice is harmless');
};

const kvCompareAndSet: Case = async (t, harness) => {
  const { bus } = await harness.world(t);
  const kv = await bus.kv('agents');
  t.equal(await kv.get('a17'), undefined);
  const r1 = await kv.put('a17', 'ready', 0);
  t.same(await kv.get('a17'), { value: 'ready', revision: r1 });
  t.match(await thrown(kv.put('a17', 'again', 0)), { code: 'kv-conflict' }, '0 = must not exist');
  const r2 = await kv.put('a17', 'busy', r1);
  t.ok(r2 > r1);
  t.match(await thrown(kv.put('a17', 'stale', r1)), { code: 'kv-conflict' }, 'stale revision');
  t.same(await kv.get('a17'), { value: 'busy', revision: r2 });
  const r3 = await kv.put('a18', 'ready');
  t.ok(r3 > r2, 'unconditional put');
  t.same(await kv.keys(), ['a17', 'a18']);
  await kv.delete('a17');
  t.equal(await kv.get('a17'), undefined);
  t.same(await kv.keys(), ['a18']);
  t.ok((await kv.put('a17', 'back', 0)) > r3, 'create after delete');
  t.equal((await bus.kv('agents').then((k) => k.get('a17')))?.value, 'back', 'same bucket when reopened');
  t.equal(await (await bus.kv('other')).get('a18'), undefined, 'buckets are separate');
  t.match(await thrown(kv.put('bad key', 'x')), { code: 'invalid-key' });
  t.match(await thrown(bus.kv('bad.bucket')), { code: 'invalid-key' });
};

const CASES: [string, Case][] = [
  ['wildcards: * is one token, > is one or more trailing tokens', wildcards],
  ['envelopes carry id, type, topic, time, source and the data', envelopeFields],
  ['order is preserved per topic (and overall on one connection)', ordering],
  ['publish validates: bad fields listed, unknown types and bad topics refused', publishValidation],
  ['receipt validates: invalid events are dropped and logged, valid ones delivered', receiptValidation],
  ['a subscription made after a publication does not receive it', lateSubscription],
  [
    'unsubscribe stops delivery; a throwing handler is logged and does not affect others',
    unsubscribeAndThrowingHandler,
  ],
  ['drain delivers everything already published, then the bus refuses work', drainFlushes],
  ['KV: get/put/delete/keys and compare-and-set by revision', kvCompareAndSet],
];

export function busContract(t: Test, harness: BusHarness): void {
  for (const [name, run] of CASES) void t.test(name, (t) => run(t, harness));
}
