/**
 * The recorder against PGlite and the real PostgreSQL (one schema per test), events published on
 * the in-process bus: rows equal the pure fold of the events in order, whatever the delivery order
 * and duplicates; metrics counted once; a database that fails for a while loses nothing (retried,
 * counted, logged) within the buffer, and drops (counted, logged) beyond it; two recorders writing
 * the same calls concurrently agree; foreign events are ignored in `local` scope.
 */
import t from 'tap';
import type { Test } from 'tap';
import { MemoryBus } from '../../infra/bus/index.js';
import type { Db } from '../../infra/db/index.js';
import { forEachDatabase } from '../../test-support/test-databases.js';
import { seededRandom } from '../../test-support/seeded-random.js';
import { waitFor } from '../../test-support/wait.js';
import type { RecordEvent } from './model/record-events.js';
import {
  abandonedCall,
  answeredCall,
  assertRows,
  overflowedCall,
  publishRecordEvent,
  recorderWorld,
  rejectedCall,
} from './records-testkit.js';
import type { RecorderWorld } from './records-testkit.js';

const WAIT = { timeoutMs: 60_000 };

function bus(t: Test, nodeId = 'n1'): MemoryBus {
  const b = new MemoryBus({ nodeId });
  t.teardown(() => b.drain());
  return b;
}

function shuffle<T>(xs: readonly T[], random: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const fourCalls = (): RecordEvent[] => [
  ...answeredCall({ callId: 'c1', waitMs: 12_000 }),
  ...abandonedCall({ callId: 'c2', waitMs: 30_000 }),
  ...overflowedCall({ callId: 'c3' }),
  ...rejectedCall({ callId: 'c4', queueId: 'support' }),
  ...answeredCall({ callId: 'c5', waitMs: 40_000, agentId: 'a3' }),
];

function suite(t: Test, db: Db): Promise<void> {
  t.beforeEach(async () => {
    await db.deleteFrom('call_offers').execute();
    await db.deleteFrom('calls').execute();
  });

  t.test('in order: rows and metrics', async (t) => {
    const b = bus(t);
    const w = recorderWorld(db, b);
    const events = fourCalls();
    for (const e of events) await publishRecordEvent(b, e);
    await waitFor(
      async () =>
        (await w.value('patchbay_records_events_total', { type: 'call.ended', result: 'written' })) === 5,
      { ...WAIT, what: 'five ends written' },
    );
    await w.recorder.idle();
    await assertRows(t, w.store, events);
    t.equal(await w.value('patchbay_calls_total', { queue: 'sales', outcome: 'completed' }), 3);
    t.equal(await w.value('patchbay_calls_total', { queue: 'sales', outcome: 'abandoned' }), 1);
    t.equal(await w.value('patchbay_calls_total', { queue: 'none', outcome: 'rejected' }), 1, 'never queued');
    t.equal(await w.value('patchbay_queue_abandoned_total', { queue: 'sales' }), 1);
    t.equal(await w.value('patchbay_queue_answer_seconds_count', { queue: 'sales' }), 3);
    t.equal(await w.value('patchbay_queue_answer_seconds_sum', { queue: 'sales' }), 12 + 62 + 40);
    t.equal(await w.value('patchbay_queue_answer_seconds_bucket', { queue: 'sales', le: '15' }), 1);
    t.equal(await w.value('patchbay_queue_service_level_calls_total', { queue: 'sales', met: 'yes' }), 1);
    t.equal(await w.value('patchbay_queue_service_level_calls_total', { queue: 'sales', met: 'no' }), 3);
    t.equal(await w.value('patchbay_queue_service_level_threshold_seconds', { queue: 'sales' }), 20);
    t.equal(await w.value('patchbay_agent_no_answer_total', { agent: 'a1' }), 2);
    t.equal(await w.value('patchbay_agent_answer_seconds_count', { agent: 'a2' }), 1);
    t.equal(await w.value('patchbay_agent_answer_seconds_sum', { agent: 'a3' }), 3);
    t.equal(await w.value('patchbay_records_pending'), 0);
  });

  t.test('shuffled with duplicates: the same rows, each fact counted once', async (t) => {
    const b = bus(t);
    const w = recorderWorld(db, b);
    const events = fourCalls();
    const random = seededRandom(42);
    const dups = events.filter(() => random() < 0.4);
    const delivered = shuffle([...events, ...dups], random);
    for (const e of delivered) await publishRecordEvent(b, e);
    await b.drain();
    await w.recorder.idle();
    await assertRows(t, w.store, events);
    const count = async (result: string): Promise<number> => {
      let n = 0;
      for (const type of new Set(events.map((e) => e.type))) {
        n += (await w.value('patchbay_records_events_total', { type, result })) ?? 0;
      }
      return n;
    };
    t.ok(dups.length > 0, 'some events were delivered twice');
    t.equal(await count('written'), events.length, 'each event written once');
    t.equal(await count('duplicate'), dups.length, 'each second delivery seen as a duplicate');
    t.equal(await count('conflict'), 0);
    t.equal(await w.value('patchbay_calls_total', { queue: 'sales', outcome: 'completed' }), 3);
    t.equal(await w.value('patchbay_queue_answer_seconds_count', { queue: 'sales' }), 3);
    t.equal(await w.value('patchbay_agent_no_answer_total', { agent: 'a1' }), 2);
  });

  t.test('the database fails for a while: retried, logged, nothing lost', async (t) => {
    const b = bus(t);
    const w = recorderWorld(db, b);
    await db.schema.alterTable('calls').renameTo('calls_away').execute();
    t.teardown(() =>
      db.schema
        .alterTable('calls_away')
        .renameTo('calls')
        .execute()
        .catch(() => undefined),
    );
    const events = answeredCall({ callId: 'c7' });
    for (const e of events) await publishRecordEvent(b, e);
    await waitFor(async () => ((await w.value('patchbay_records_write_retries_total')) ?? 0) >= 3, {
      ...WAIT,
      what: 'retries',
    });
    t.ok(((await w.value('patchbay_records_pending')) ?? 0) > 0, 'events buffered');
    t.equal(w.logger.withMsg('call records: write failed, retrying').length, 1, 'logged once, not per retry');
    await db.schema.alterTable('calls_away').renameTo('calls').execute();
    await waitFor(async () => (await w.value('patchbay_records_pending')) === 0, {
      ...WAIT,
      what: 'buffer written',
    });
    await w.recorder.idle();
    await assertRows(t, w.store, events);
    t.equal(w.logger.withMsg('call records: writes succeed again').length, 1);
    t.equal(await w.value('patchbay_records_dropped_total', { reason: 'buffer-full' }), undefined);
  });

  t.test('beyond the buffer bound events are dropped, counted and logged', async (t) => {
    const b = bus(t);
    const w = recorderWorld(db, b, { bufferMax: 3 });
    await db.schema.alterTable('calls').renameTo('calls_away').execute();
    const events = rejectedCall({ callId: 'c8' }).concat(
      rejectedCall({ callId: 'c9' }),
      rejectedCall({ callId: 'c10' }),
    );
    for (const e of events) await publishRecordEvent(b, e);
    await b.drain();
    t.equal(await w.value('patchbay_records_dropped_total', { reason: 'buffer-full' }), 3);
    t.equal(w.logger.withMsg('call event not recorded').length, 3);
    await db.schema.alterTable('calls_away').renameTo('calls').execute();
    // c9 has not ended: idle() writes live calls too (else the periodic flush would).
    await w.recorder.idle();
    t.equal(await w.value('patchbay_records_pending'), 0, 'buffer written');
    await assertRows(t, w.store, events.slice(0, 3));
  });

  t.test('two recorders on the same calls (scope all) agree; facts once in total', async (t) => {
    const b = bus(t);
    const one = recorderWorld(db, b, { scope: 'all' });
    const two = recorderWorld(db, b, { scope: 'all', nodeId: 'n2' });
    const events = fourCalls();
    for (const e of events) await publishRecordEvent(b, e);
    await b.drain();
    await Promise.all([one.recorder.idle(), two.recorder.idle()]);
    await assertRows(t, one.store, events);
    const completed = async (w: RecorderWorld) =>
      (await w.value('patchbay_calls_total', { queue: 'sales', outcome: 'completed' })) ?? 0;
    t.equal((await completed(one)) + (await completed(two)), 3);
  });

  t.test('scope local: events another node published are left to it', async (t) => {
    const b = bus(t, 'n2');
    const w = recorderWorld(db, b, { nodeId: 'n1' });
    for (const e of rejectedCall({ callId: 'c11' })) await publishRecordEvent(b, e);
    await b.drain();
    await w.recorder.idle();
    t.equal(await w.store.loadCall('c11'), undefined);
    t.equal(await w.value('patchbay_records_events_total', { type: 'call.ended', result: 'foreign' }), 1);
  });
  return Promise.resolve();
}

await forEachDatabase(t, (t, d) => suite(t, d.handle.db));
