/**
 * Group commit: appends that arrive while a write is in flight are written together in the next
 * one (one multi-row statement instead of one per item). Each `add()` resolves only once its own
 * item is stored, so a caller that persists before changing state (the agent state service) keeps
 * that guarantee. When a batch fails, its items are retried one by one, so one bad item (e.g. a
 * second writer's version conflict) fails only its own `add()`.
 *
 * Lifecycle of the writer: idle → writing (one batch in flight) → idle; items added while writing
 * wait in `#queue` for the next batch.
 */
export interface GroupWriter<T> {
  writeMany(items: readonly T[]): Promise<void>;
  writeOne(item: T): Promise<void>;
}

interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class GroupCommit<T> {
  readonly #writer: GroupWriter<T>;
  readonly #maxBatch: number;
  #queue: Pending<T>[] = [];
  #state: 'idle' | 'writing' = 'idle';
  /** Statements sent (batches + single retries), for tests and metrics. */
  statements = 0;

  constructor(writer: GroupWriter<T>, maxBatch = 500) {
    this.#writer = writer;
    this.#maxBatch = Math.max(1, maxBatch);
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#state === 'idle') void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#state = 'writing';
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        await this.#write(batch);
      }
    } finally {
      this.#state = 'idle';
    }
  }

  async #write(batch: readonly Pending<T>[]): Promise<void> {
    try {
      this.statements++;
      if (batch.length === 1 && batch[0]) await this.#writer.writeOne(batch[0].item);
      else await this.#writer.writeMany(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
      return;
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
    }
    for (const p of batch) {
      try {
        this.statements++;
        await this.#writer.writeOne(p.item);
        p.resolve();
      } catch (err) {
        p.reject(err);
      }
    }
  }
}
