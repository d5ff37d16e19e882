/**
 * Writing the buffered events of many rows of one table in one statement: each row's events are
 * folded (pure merges of `model/`) onto the row last known, the changed rows saved with one
 * multi-row upsert; rows another writer moved meanwhile are reloaded with one query and folded
 * again, up to {@link CONTENTION_ATTEMPTS} rounds (then {@link ContentionError}, retried like a failure). Rows whose events change nothing are not written.
 */
import type { Versioned, RowSave } from './store/record-store.js';

export type Merge<R, F> =
  | { readonly kind: 'changed'; readonly record: R; readonly facts: readonly F[] }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'conflict'; readonly reason: string };

export type EventResult = 'written' | 'duplicate' | 'conflict';

/** One row's buffer: the row as last written or loaded, and the events not yet written. */
export interface PendingRow<R, E> {
  readonly key: string;
  /** The row as last known (undefined: none known; assumed absent until a save says otherwise). */
  base: Versioned<R> | undefined;
  readonly pending: E[];
}

export interface Folded<R, E, F> {
  /** How many of the row's pending events were folded. */
  readonly count: number;
  /** The record after them, when they changed it. */
  readonly record: R | undefined;
  readonly results: readonly { readonly event: E; readonly result: EventResult; readonly reason?: string }[];
  readonly facts: readonly F[];
}

export interface TableOps<R, E, F> {
  merge(before: R | undefined, e: E): Merge<R, F>;
  /** One query: the rows of these keys as they are now. */
  load(keys: readonly string[]): Promise<Map<string, Versioned<R>>>;
  /** One statement: the keys written. */
  save(rows: readonly RowSave<R>[]): Promise<Set<string>>;
}

/** A row written (or found already up to date): commit its results with {@link commitRow}. */
export interface Done<R, E, F> {
  readonly row: PendingRow<R, E>;
  readonly folded: Folded<R, E, F>;
}

/** Attempts to win an optimistic save against other writers before backing off like a failure. */
export const CONTENTION_ATTEMPTS = 8;

export class ContentionError extends Error {
  override readonly name = 'ContentionError';
  readonly code = 'contention';
}

export function foldRow<R, E, F>(row: PendingRow<R, E>, merge: TableOps<R, E, F>['merge']): Folded<R, E, F> {
  let current = row.base?.record;
  let changed = false;
  const results: Folded<R, E, F>['results'][number][] = [];
  const facts: F[] = [];
  for (const event of row.pending) {
    const m = merge(current, event);
    if (m.kind === 'changed') {
      current = m.record;
      changed = true;
      facts.push(...m.facts);
      results.push({ event, result: 'written' });
    } else if (m.kind === 'unchanged') {
      results.push({ event, result: 'duplicate' });
    } else {
      results.push({ event, result: 'conflict', reason: m.reason });
    }
  }
  return { count: row.pending.length, record: changed ? current : undefined, results, facts };
}

/**
 * Writes the rows (keys distinct): `done` are written or already up to date (to commit),
 * `contended` still lost to other writers after every round (left in their buffers).
 */
export async function writeRows<R, E, F>(
  rows: readonly PendingRow<R, E>[],
  ops: TableOps<R, E, F>,
): Promise<{ done: Done<R, E, F>[]; contended: number }> {
  const done: Done<R, E, F>[] = [];
  let todo = [...rows];
  for (let round = 0; round < CONTENTION_ATTEMPTS && todo.length > 0; round++) {
    const folded = todo.map((row) => ({ row, folded: foldRow(row, (b, e) => ops.merge(b, e)) }));
    const toSave = folded.filter((f) => f.folded.record !== undefined);
    done.push(...folded.filter((f) => f.folded.record === undefined));
    const written = await ops.save(
      toSave.map((f) => ({ record: f.folded.record as R, previous: f.row.base?.version })),
    );
    const lost: PendingRow<R, E>[] = [];
    for (const f of toSave) {
      if (written.has(f.row.key)) done.push(f);
      else lost.push(f.row);
    }
    if (lost.length > 0) {
      const now = await ops.load(lost.map((r) => r.key));
      for (const row of lost) row.base = now.get(row.key);
    }
    todo = lost;
  }
  return { done, contended: todo.length };
}

/** Takes a written row's events out of its buffer and moves its base to what was written. */
export function commitRow<R, E, F>(d: Done<R, E, F>): void {
  const { row, folded } = d;
  row.pending.splice(0, folded.count);
  if (folded.record !== undefined) {
    row.base = { record: folded.record, version: (row.base?.version ?? 0) + 1 };
  }
}
