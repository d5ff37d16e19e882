/**
 * Every dialog the engine keeps, by drachtio dialog id (spec §2.8), with RFC 3261 §12.2.2 matching
 * of incoming requests in O(1): for a dialog we answered (UAS) the id uses the request's From tag;
 * for one we started (UAC) it uses our own tag, which the peer sends back as the To tag.
 */
import type { Dialog } from './dialog.js';
import { makeDialogId } from './ids.js';

export class DialogStore {
  readonly #byId = new Map<string, Dialog>();

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): Dialog | undefined {
    return this.#byId.get(id);
  }

  add(dialog: Dialog): void {
    this.#byId.set(dialog.id, dialog);
  }

  /** Removes the dialog if it is the one stored under its id; returns true when removed. */
  remove(dialog: Dialog): boolean {
    if (this.#byId.get(dialog.id) !== dialog) return false;
    this.#byId.delete(dialog.id);
    return true;
  }

  /** RFC 3261 §12.2.2: Call-ID, remote tag = From tag, local tag = To tag. */
  matchRequest(callId: string, fromTag: string | undefined, toTag: string | undefined): Dialog | undefined {
    if (toTag === undefined || fromTag === undefined) return undefined;
    const asUas = this.#byId.get(makeDialogId(callId, fromTag));
    if (asUas?.role === 'uas' && asUas.localTag === toTag) return asUas;
    const asUac = this.#byId.get(makeDialogId(callId, toTag));
    if (asUac?.role === 'uac' && asUac.remoteTag === fromTag) return asUac;
    return undefined;
  }

  /** A response to a request we sent: our tag is the From tag (UAC dialogs). */
  matchResponse(callId: string, fromTag: string | undefined): Dialog | undefined {
    if (fromTag === undefined) return undefined;
    const d = this.#byId.get(makeDialogId(callId, fromTag));
    return d?.role === 'uac' ? d : undefined;
  }

  values(): IterableIterator<Dialog> {
    return this.#byId.values();
  }
}
