/** Bucket and key names, with the rules JetStream KV enforces (so the memory KV refuses the same). */
import { BusError } from './types.js';

const BUCKET = /^[-\w]+$/;
const KEY = /^[-/=.\w]+$/;

export function assertBucket(bucket: string): void {
  if (!BUCKET.test(bucket)) throw new BusError('invalid-key', `'${bucket}' is not a valid KV bucket name`);
}

export function assertKey(key: string): void {
  if (!KEY.test(key) || key.startsWith('.') || key.endsWith('.')) {
    throw new BusError('invalid-key', `'${key}' is not a valid KV key`);
  }
}
