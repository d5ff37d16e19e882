/**
 * Identifier rules of the drachtio protocol (spec §2.8).
 * - transactionId: a fresh UUID per request exposed to the app; the literal `unsolicited` for BYEs
 *   the engine sends on its own.
 * - dialogId: `<Call-ID>;from-tag=<tag of the party that sent the dialog-creating request>`
 *   (drachtio-srf hard-codes this in findDialogByCallIDAndFromTag).
 */
import { newUuid } from '../util/ids.js';

export const UNSOLICITED_TXN_ID = 'unsolicited';

export const newTxnId = (): string => newUuid();

/** §2.8: for a UAS the creator is the remote party (its From tag); for a UAC it is us (our From tag). */
export function makeDialogId(callId: string, creatorTag: string): string {
  return `${callId};from-tag=${creatorTag}`;
}
