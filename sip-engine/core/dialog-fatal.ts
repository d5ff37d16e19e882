/**
 * RFC 3261 §12.2.1.2: "If the response for a request within a dialog is a 481 (Call/Transaction
 * Does Not Exist) or a 408 (Request Timeout), the UAC SHOULD terminate the dialog" — a 408 also
 * stands for no response at all (timer B/F, §8.1.3.1). The engine ends the dialog at once and tells
 * the app the way drachtio tells it of every teardown it did not ask for: an unsolicited BYE frame,
 * which srf turns into the dialog's `destroy` event with the Reason text (spec §2.4(b), §5 item 10).
 *
 * On the wire: after a 408 an INVITE dialog still gets a BYE (the peer may only have lost that one
 * request, RFC 3261 §15); after a 481 the peer has no dialog, so nothing is sent. SUBSCRIBE
 * dialogs have no BYE (RFC 6665 §4.1.2.4); they are only forgotten. Not for:
 *  - BYE, whose every final response already ends the dialog (spec §3.5);
 *  - PRACK, whose 481 only says no reliable provisional matched (RFC 3262 §3), not that the dialog is gone.
 */
import type { CoreContext } from './context.js';
import type { Dialog } from './dialog.js';
import { forgetDialog, hangUp } from './engine-requests.js';

/** The Reason texts srf reports as `destroy` reasons. */
export const FATAL_REASON = {
  481: 'In-dialog request answered 481 Call/Transaction Does Not Exist',
  408: 'In-dialog request answered 408 Request Timeout',
} as const;

const SPARED_METHODS: ReadonlySet<string> = new Set(['BYE', 'PRACK', 'ACK', 'CANCEL']);

export function endOnFatalResponse(ctx: CoreContext, d: Dialog, method: string, status: number): void {
  if ((status !== 481 && status !== 408) || SPARED_METHODS.has(method) || d.isTerminated) return;
  const reason = FATAL_REASON[status];
  ctx.logger.info({ dialogId: d.id, method, status }, 'in-dialog request failed: dialog ended');
  if (status === 408 && d.usage === 'INVITE') hangUp(ctx, d, reason, 'system-initiated-termination');
  else forgetDialog(ctx, d, reason, 'system-initiated-termination');
}
