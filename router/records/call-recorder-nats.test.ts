/**
 * Across nodes over the machine's NATS (127.0.0.1:4222, a namespace of this test's own): node n2
 * publishes a call's events out of order and with a duplicate, node n1's recorder (scope `all`)
 * writes them to PGlite; the rows are those of the events in order, and the facts count once.
 * NATS unreachable: skipped with the reason locally, a failure under CI=true.
 */
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { NatsBus } from '../../infra/bus/index.js';
import { requireService } from '../../test-support/services.js';
import { openPgliteMemory } from '../../test-support/test-databases.js';
import { waitFor } from '../../test-support/wait.js';
import { mergeCallEvent } from './model/call-record.js';
import type { CallRecord } from './model/call-record.js';
import { answeredCall, publishRecordEvent, recorderWorld } from './records-testkit.js';

const svc = await requireService('NATS', '127.0.0.1', 4222);

t.test(
  'events published by another node, out of order, twice',
  'skip' in svc ? { skip: svc.skip } : {},
  async (t) => {
    const db = await openPgliteMemory(t);
    const namespace = `rec${randomUUID().slice(0, 8)}`;
    const connect = async (nodeId: string) => {
      const bus = await NatsBus.connect({
        url: 'nats://127.0.0.1:4222',
        nodeId,
        namespace,
        kvStorage: 'memory',
      });
      t.teardown(() => bus.drain());
      return bus;
    };
    const recorderBus = await connect('n1');
    const publisherBus = await connect('n2');
    const w = recorderWorld(db.handle.db, recorderBus, { nodeId: 'n1', scope: 'all' });
    await recorderBus.flush();

    const events = answeredCall({ callId: 'nats-c1', waitMs: 9_000 });
    const ended = events.find((e) => e.type === 'call.ended');
    if (!ended) throw new Error('scenario');
    const delivered = [ended, ...[...events].reverse(), ended];
    for (const e of delivered) await publishRecordEvent(publisherBus, e);
    await publisherBus.flush();

    const accounted = async (): Promise<number> => {
      let n = 0;
      for (const type of new Set(events.map((e) => e.type))) {
        for (const result of ['written', 'duplicate', 'conflict']) {
          n += (await w.value('patchbay_records_events_total', { type, result })) ?? 0;
        }
      }
      return n;
    };
    await waitFor(async () => (await accounted()) === delivered.length, {
      timeoutMs: 60_000,
      what: 'all deliveries',
    });
    await w.recorder.idle();

    let want: CallRecord | undefined;
    for (const e of events) {
      if (e.type === 'call.offered' || e.type === 'call.offer-ended') continue;
      const m = mergeCallEvent(want, e);
      if (m.kind === 'changed') want = m.record;
    }
    t.same((await w.store.loadCall('nats-c1'))?.record, want);
    t.match((await w.store.loadOffer('nats-c1', 'nats-c1-o2'))?.record, {
      agentId: 'a2',
      outcome: 'answered',
      ringMs: 3_000,
    });
    t.equal(await w.value('patchbay_records_events_total', { type: 'call.ended', result: 'duplicate' }), 2);
    t.equal(await w.value('patchbay_calls_total', { queue: 'sales', outcome: 'completed' }), 1);
    t.equal(await w.value('patchbay_queue_answer_seconds_sum', { queue: 'sales' }), 9);
  },
);
