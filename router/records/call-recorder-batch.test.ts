/**
 * The recorder's batching, on PGlite and PostgreSQL, with every SQL statement the recorder sends
 * counted by a kysely plugin on its database handle (statements, not time): calls that end in one
 * delivery are written with one upsert per table and no read; a live call waits for the flush
 * interval (fake clock) and is then written, or at once when live calls hold half the buffer;
 * `stop()` writes live calls; `batchMax` splits batches;
 * an event for a call already written and forgotten costs one refused upsert and one reload, is a
 * duplicate and counts no fact twice.
 */
import t from 'tap';
import type { Test } from 'tap';
import { MemoryBus } from '../../infra/bus/index.js';
import type { Db } from '../../infra/db/index.js';
import { FakeClock } from '../../sip-engine/util/clock.js';
import { forEachDatabase } from '../../test-support/test-databases.js';
import { waitFor } from '../../test-support/wait.js';
import { RECORD_EVENT_TYPES } from './model/record-events.js';
import { answeredCall, assertRows, publishRecordEvent, recorderWorld } from './records-testkit.js';
import type { RecorderWorld } from './records-testkit.js';
import { createRecordStore } from './store/record-store.js';

const WAIT = { timeoutMs: 60_000 };

/** `db` with a plugin that notes the kind of every statement compiled through it. */
function countingDb(db: Db): { db: Db; statements: string[] } {
  const statements: string[] = [];
  const plugin: Parameters<Db['withPlugin']>[0] = {
    transformQuery: (args) => {
      statements.push(args.node.kind);
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  };
  return { db: db.withPlugin(plugin), statements };
}

function bus(t: Test): MemoryBus {
  const b = new MemoryBus({ nodeId: 'n1' });
  t.teardown(() => b.drain());
  return b;
}

/** Waits until `n` events in all have been written or found duplicate (accounted once written). */
async function accounted(w: RecorderWorld, n: number): Promise<void> {
  const sum = async (): Promise<number> => {
    let total = 0;
    for (const type of RECORD_EVENT_TYPES) {
      for (const result of ['written', 'duplicate', 'conflict']) {
        total += (await w.value('patchbay_records_events_total', { type, result })) ?? 0;
      }
    }
    return total;
  };
  await waitFor(async () => (await sum()) >= n, { ...WAIT, what: `${n} events accounted` });
  t.equal(w.recorder.pending, 0, 'nothing left waiting');
}

function suite(t: Test, db: Db): Promise<void> {
  t.beforeEach(async () => {
    await db.deleteFrom('call_offers').execute();
    await db.deleteFrom('calls').execute();
  });

  t.test('ten calls ended in one delivery: one upsert per table, no read', async (t) => {
    const b = bus(t);
    const counted = countingDb(db);
    const w = recorderWorld(counted.db, b, { clock: new FakeClock() });
    const events = Array.from({ length: 10 }, (_, i) => answeredCall({ callId: `b${i}` })).flat();
    for (const e of events) await publishRecordEvent(b, e);
    await accounted(w, events.length);
    t.same(counted.statements, ['InsertQueryNode', 'InsertQueryNode'], 'calls upsert + offers upsert');
    t.equal(await w.value('patchbay_records_events_total', { type: 'call.offered', result: 'written' }), 20);
    t.equal(await w.value('patchbay_calls_total', { queue: 'sales', outcome: 'completed' }), 10);
    await assertRows(t, createRecordStore(db), events);
  });

  t.test('a live call is written at the flush interval, then again when it ends', async (t) => {
    const b = bus(t);
    const clock = new FakeClock();
    const counted = countingDb(db);
    const w = recorderWorld(counted.db, b, { clock, flushIntervalMs: 5_000 });
    const events = answeredCall({ callId: 'live1' });
    // Live while the second offer rings: its end, the answer and the call's end come later.
    const endsAt = events.findIndex((e) => e.type === 'call.offer-ended' && e.data.offerId === 'live1-o2');
    const live = events.slice(0, endsAt);
    for (const e of live) await publishRecordEvent(b, e);
    await waitFor(() => w.recorder.pending === live.length, { ...WAIT, what: 'buffered in memory' });
    clock.advance(4_999);
    await Promise.resolve();
    t.same(counted.statements, [], 'nothing written before the interval');
    clock.advance(1);
    await accounted(w, live.length);
    t.same(counted.statements, ['InsertQueryNode', 'InsertQueryNode']);
    await assertRows(t, createRecordStore(db), live);
    t.match((await createRecordStore(db).loadCall('live1'))?.record, { phase: 'queued', endedAt: null });

    for (const e of events.slice(endsAt)) await publishRecordEvent(b, e);
    await accounted(w, events.length);
    t.equal(counted.statements.length, 4, 'one more upsert per table, no read (versions known)');
    t.notOk(counted.statements.includes('SelectQueryNode'));
    t.equal((await createRecordStore(db).loadCall('live1'))?.version, 2);
    await assertRows(t, createRecordStore(db), events);
  });

  t.test('live calls holding half the buffer are written without waiting for the interval', async (t) => {
    const b = bus(t);
    const counted = countingDb(db);
    const w = recorderWorld(counted.db, b, { clock: new FakeClock(), bufferMax: 10 });
    const live = ['h1', 'h2'].flatMap((callId) => answeredCall({ callId }).slice(0, 3));
    for (const e of live) await publishRecordEvent(b, e);
    await accounted(w, live.length);
    t.same(counted.statements, ['InsertQueryNode', 'InsertQueryNode'], 'one batch, the clock never moved');
    await assertRows(t, createRecordStore(db), live);
  });

  t.test('stop() writes the calls still live', async (t) => {
    const b = bus(t);
    const w = recorderWorld(db, b, { clock: new FakeClock() });
    const live = answeredCall({ callId: 'live2' }).slice(0, 3);
    for (const e of live) await publishRecordEvent(b, e);
    await waitFor(() => w.recorder.pending === live.length, { ...WAIT, what: 'buffered in memory' });
    t.same(await w.recorder.stop(), { lost: 0 });
    await assertRows(t, createRecordStore(db), live);
  });

  t.test('batchMax splits the calls into batches of that many', async (t) => {
    const b = bus(t);
    const counted = countingDb(db);
    const w = recorderWorld(counted.db, b, { clock: new FakeClock(), batchMax: 2 });
    const events = ['s1', 's2', 's3'].flatMap((callId) => answeredCall({ callId }));
    for (const e of events) await publishRecordEvent(b, e);
    await accounted(w, events.length);
    t.equal(counted.statements.length, 4, 'two batches, one upsert per table each');
    await assertRows(t, createRecordStore(db), events);
  });

  t.test(
    'an event after the call was written and forgotten: refused upsert, one reload, a duplicate',
    async (t) => {
      const b = bus(t);
      const counted = countingDb(db);
      const w = recorderWorld(counted.db, b, { clock: new FakeClock() });
      const events = answeredCall({ callId: 'late1' });
      for (const e of events) await publishRecordEvent(b, e);
      await accounted(w, events.length);
      const ended = events.find((e) => e.type === 'call.ended');
      if (!ended) throw new Error('scenario');
      counted.statements.length = 0;
      await publishRecordEvent(b, ended);
      await waitFor(
        async () =>
          (await w.value('patchbay_records_events_total', { type: 'call.ended', result: 'duplicate' })) === 1,
        { ...WAIT, what: 'late duplicate accounted' },
      );
      t.same(
        counted.statements,
        ['InsertQueryNode', 'SelectQueryNode'],
        'upsert refused by version, then reload',
      );
      t.equal(
        await w.value('patchbay_calls_total', { queue: 'sales', outcome: 'completed' }),
        1,
        'fact once',
      );
      t.equal((await createRecordStore(db).loadCall('late1'))?.version, 1, 'row not rewritten');
      await assertRows(t, createRecordStore(db), events);
    },
  );
  return Promise.resolve();
}

await forEachDatabase(t, (t, d) => suite(t, d.handle.db));
