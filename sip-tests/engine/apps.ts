/**
 * Small srf applications the end-to-end tests put behind the engine, each keeping a tally of what
 * happened so a test can assert on it (not only on SIPp's exit code).
 */
import type Srf from 'drachtio-srf';
import { appSdp } from './engine-world.js';

export interface CallTally {
  /** INVITEs the app was offered. */
  invites: number;
  /** Dialogs established (createUAS / createB2BUA resolved). */
  answered: number;
  /** Dialogs that ended (srf 'destroy': the far end hung up). */
  ended: number;
  /** createUAS / createB2BUA failures, as text. */
  errors: string[];
}

export function newTally(): CallTally {
  return { invites: 0, answered: 0, ended: 0, errors: [] };
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && 'status' in err) return `status ${String(err.status)}`;
  return String(err);
}

/**
 * RFC 3261 §13.3: answers every INVITE with 200 + SDP (srf.createUAS); counts the BYEs that end them.
 * The callback form of createUAS hands over the dialog synchronously, so the `destroy` listener is
 * in place before srf reads the next frame: with the promise form, a BYE frame arriving in the same
 * socket chunk as the 200's echo would be handled before the `.then` ran, and its `destroy` missed.
 */
export function answeringApp(tally: CallTally): (srf: Srf) => void {
  return (srf) => {
    srf.invite((req, res) => {
      tally.invites += 1;
      srf.createUAS(req, res, { localSdp: appSdp(tally.invites, 30000) }, (err: unknown, dialog) => {
        if (err) {
          tally.errors.push(describe(err));
          return;
        }
        tally.answered += 1;
        dialog.on('destroy', () => (tally.ended += 1));
      });
    });
  };
}

/**
 * A B2BUA (srf.createB2BUA) that sends every INVITE on to `target`; whichever side hangs up, the
 * app ends the other leg with BYE.
 */
export function b2buaApp(tally: CallTally, target: string): (srf: Srf) => void {
  return (srf) => {
    srf.invite((req, res) => {
      tally.invites += 1;
      srf.createB2BUA(req, res, target, { localSdpB: req.body }).then(
        ({ uas, uac }) => {
          tally.answered += 1;
          const bridge = (gone: Srf.Dialog, other: Srf.Dialog): void => {
            gone.on('destroy', () => {
              tally.ended += 1;
              other.destroy();
            });
          };
          bridge(uas, uac);
          bridge(uac, uas);
        },
        (err: unknown) => tally.errors.push(describe(err)),
      );
    });
  };
}
