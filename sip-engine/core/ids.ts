/**
 * Identifier rules of the drachtio protocol (spec §2.8).
 * - transactionId: a fresh UUID per request exposed to the app; the literal `unsolicited` for BYEs
 *   the engine sends on its own.
 * - dialogId: `<Call-ID>;from-tag=<tag of the party that sent the dialog-creating request>`
 *   (drachtio-srf hard-codes this in findDialogByCallIDAndFromTag).
 */
import { randomFillSync } from 'node:crypto';
import { newUuid } from '../util/ids.js';

export const UNSOLICITED_TXN_ID = 'unsolicited';

export const newTxnId = (): string => newUuid();

/** §2.8: for a UAS the creator is the remote party (its From tag); for a UAC it is us (our From tag). */
export function makeDialogId(callId: string, creatorTag: string): string {
  return `${callId};from-tag=${creatorTag}`;
}

/** Random bytes drawn in blocks: one CSPRNG call per POOL_BYTES instead of one per tag. */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** `bytes` fresh random bytes as hex, from the pool (never handed out twice). */
export function randomHex(bytes: number): string {
  if (bytes > POOL_BYTES) throw new RangeError(`randomHex: at most ${POOL_BYTES} bytes`);
  if (poolOffset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/** RFC 3261 §19.3: a tag with at least 32 random bits (48 here, as util/ids.ts newTag). */
export const newLocalTag = (): string => randomHex(6);
