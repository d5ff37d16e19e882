/**
 * KeyValueStore over JetStream KV (`@nats-io/kv`). Compare-and-set maps onto the server's
 * expected-last-sequence check: `expectedRevision` 0 → `create` (absent or deleted), N → `update`.
 */
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { assertKey } from './kv-names.js';
import { BusError, type KeyValueStore } from './types.js';

function isWrongRevision(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamWrongLastSequence ||
      err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

export class NatsKv implements KeyValueStore {
  readonly #kv: KV;
  readonly #bucket: string;

  constructor(kv: KV, bucket: string) {
    this.#kv = kv;
    this.#bucket = bucket;
  }

  async get(key: string): Promise<{ value: string; revision: number } | undefined> {
    assertKey(key);
    const entry = await this.#call('get', key, () => this.#kv.get(key));
    if (!entry || entry.operation !== 'PUT') return undefined;
    return { value: entry.string(), revision: entry.revision };
  }

  async put(key: string, value: string, expectedRevision?: number): Promise<number> {
    assertKey(key);
    try {
      if (expectedRevision === undefined) return await this.#kv.put(key, value);
      if (expectedRevision === 0) return await this.#kv.create(key, value);
      return await this.#kv.update(key, value, expectedRevision);
    } catch (err) {
      if (isWrongRevision(err)) {
        throw new BusError('kv-conflict', `${this.#bucket}/${key} is not at revision ${expectedRevision}`, {
          cause: err,
        });
      }
      throw new BusError('backend', `KV put ${this.#bucket}/${key} failed`, { cause: err });
    }
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.#call('delete', key, () => this.#kv.delete(key));
  }

  async keys(): Promise<string[]> {
    return this.#call('keys', '*', async () => {
      const out: string[] = [];
      for await (const k of await this.#kv.keys()) out.push(k);
      return out.sort();
    });
  }

  async #call<T>(op: string, key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new BusError('backend', `KV ${op} ${this.#bucket}/${key} failed`, { cause: err });
    }
  }
}
