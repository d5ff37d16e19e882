/**
 * GroupCommit: items added while a write is in flight go out together in the next write; every
 * add() resolves only after its own item is written; a failed batch is retried item by item so
 * only the bad item's add() rejects. Also the real transition store on PGlite: concurrent appends
 * of many agents are all stored, a duplicate (agent, version) fails alone.
 */
import t from 'tap';
import { GroupCommit } from './group-commit.js';
import { createTransitionStore, type TransitionRow } from './transition-store.js';
import { openDatabase } from '../../infra/db/index.js';

interface Gate {
  promise: Promise<void>;
  open: () => void;
}
function gate(): Gate {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

function recordingWriter(opts: { failMany?: boolean; bad?: number } = {}) {
  const writes: number[][] = [];
  const gates: Gate[] = [];
  const write = async (items: readonly number[]): Promise<void> => {
    writes.push([...items]);
    const g = gate();
    gates.push(g);
    await g.promise;
    if (opts.failMany && items.length > 1) throw new Error('batch refused');
    if (items.includes(opts.bad ?? -1)) throw new Error(`bad item ${String(opts.bad)}`);
  };
  return {
    writes,
    gates,
    writer: { writeMany: write, writeOne: (item: number) => write([item]) },
  };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

t.test('adds during a write are written together next, each resolving after its own write', async (t) => {
  const w = recordingWriter();
  const group = new GroupCommit(w.writer);
  const done: number[] = [];
  const first = group.add(1).then(() => done.push(1));
  const later = [2, 3, 4].map((n) => group.add(n).then(() => done.push(n)));
  await settle();
  t.same(w.writes, [[1]], 'the first item is written at once, alone');
  t.same(done, [], 'nothing resolved before its write completes');
  w.gates[0]?.open();
  await first;
  await settle();
  t.same(w.writes, [[1], [2, 3, 4]], 'the three added meanwhile share one write');
  t.same(done, [1], 'the later items wait for their own write');
  w.gates[1]?.open();
  await Promise.all(later);
  t.same(done, [1, 2, 3, 4]);
  t.equal(group.statements, 2);
});

t.test('a failed batch is retried one by one: only the bad item rejects', async (t) => {
  const w = recordingWriter({ failMany: true, bad: 3 });
  const group = new GroupCommit(w.writer);
  const first = group.add(1);
  const results = [2, 3, 4].map((n) =>
    group.add(n).then(
      () => 'ok',
      (e: unknown) => String(e),
    ),
  );
  await settle();
  w.gates[0]?.open();
  await first;
  // The batch [2,3,4] then 2, 3, 4 alone: open each gate as its write appears.
  for (let i = 1; i <= 4; i++) {
    await settle();
    w.gates[i]?.open();
  }
  t.same(await Promise.all(results), ['ok', 'Error: bad item 3', 'ok']);
  t.same(w.writes, [[1], [2, 3, 4], [2], [3], [4]]);
});

t.test('batches are cut at maxBatch', async (t) => {
  const w = recordingWriter();
  const group = new GroupCommit(w.writer, 2);
  const all = [1, 2, 3, 4, 5].map((n) => group.add(n));
  for (let i = 0; i < 3; i++) {
    await settle();
    w.gates[i]?.open();
  }
  await Promise.all(all);
  t.same(w.writes, [[1], [2, 3], [4, 5]]);
});

t.test('transition store on PGlite: concurrent appends all stored, a duplicate fails alone', async (t) => {
  const h = await openDatabase({ path: 'memory://' });
  t.teardown(() => h.close());
  const store = createTransitionStore(h.db);
  const row = (agentId: string, version: number): TransitionRow => ({
    agentId,
    version,
    from: 'logged-out',
    to: 'not-ready',
    reason: 'login',
    event: { type: 'log-in' },
    at: new Date(Date.UTC(2026, 10, 23, 12, 0, version)),
  });
  await store.append(row('a0', 1));
  const outcomes = await Promise.all(
    [...Array.from({ length: 50 }, (_, i) => row(`a${String(i + 1)}`, 1)), row('a0', 1)].map((r) =>
      store.append(r).then(
        () => 'ok',
        () => 'failed',
      ),
    ),
  );
  t.equal(outcomes.filter((o) => o === 'ok').length, 50, 'the 50 new rows are stored');
  t.equal(outcomes.at(-1), 'failed', 'the second writer of (a0, 1) is refused');
  for (const id of ['a0', 'a1', 'a25', 'a50']) t.equal(await store.lastVersion(id), 1, `${id} stored once`);
  t.equal((await store.list('a0')).length, 1);
});
