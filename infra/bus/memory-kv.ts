/**
 * In-process KeyValueStore with JetStream KV semantics: one revision counter per bucket (every put
 * and delete takes the next one), deletes leave a tombstone, compare-and-set by revision
 * (`expectedRevision` 0 = the key must not exist or be deleted).
 */
import { assertKey } from './kv-names.js';
import { BusError, type KeyValueStore } from './types.js';

interface Slot {
  value: string;
  revision: number;
  deleted: boolean;
}

export class MemoryKv implements KeyValueStore {
  readonly #slots = new Map<string, Slot>();
  readonly #bucket: string;
  #revision = 0;

  constructor(bucket: string) {
    this.#bucket = bucket;
  }

  // async so that every failure is a rejected promise, as with NATS.
  // eslint-disable-next-line @typescript-eslint/require-await
  async get(key: string): Promise<{ value: string; revision: number } | undefined> {
    assertKey(key);
    const slot = this.#slots.get(key);
    return slot && !slot.deleted ? { value: slot.value, revision: slot.revision } : undefined;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async put(key: string, value: string, expectedRevision?: number): Promise<number> {
    assertKey(key);
    if (expectedRevision !== undefined) this.#checkRevision(key, expectedRevision);
    const revision = ++this.#revision;
    this.#slots.set(key, { value, revision, deleted: false });
    return revision;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async delete(key: string): Promise<void> {
    assertKey(key);
    this.#slots.set(key, { value: '', revision: ++this.#revision, deleted: true });
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async keys(): Promise<string[]> {
    return [...this.#slots]
      .filter(([, s]) => !s.deleted)
      .map(([k]) => k)
      .sort();
  }

  #checkRevision(key: string, expected: number): void {
    const slot = this.#slots.get(key);
    const current = slot && !slot.deleted ? slot.revision : 0;
    if (current !== expected) {
      throw new BusError(
        'kv-conflict',
        `${this.#bucket}/${key} is at revision ${current}, expected ${expected}`,
      );
    }
  }
}
