/**
 * CANCEL from the network (RFC 3261 §9.2, spec §3.2 step 8, §3.3):
 * - INVITE still unanswered by a final → 200 to the CANCEL, 487 to the INVITE, the CANCEL to the
 *   app with the INVITE's txn id (srf emits `cancel`), CDR stop `call-canceled`; the app's later
 *   response gets NOK;
 * - INVITE proxied → the proxy core takes it;
 * - 2xx sent, ACK not yet received → 481, BYE `CANCEL after 200 OK`, unsolicited BYE to the app;
 * - no matching INVITE → 481.
 */
import type { ServerTransaction } from '../transaction/types.js';
import type { InboundMessage } from '../transport/types.js';
import { cdrStop } from './cdr.js';
import type { CoreContext } from './context.js';
import { deliver } from './context.js';
import { endDialog } from './dialog-ops.js';
import { hangUp } from './engine-requests.js';
import { respondFromEngine } from './engine-responses.js';
import { newRequestFrame } from './frames-out.js';
import { stopAckWait } from './ack-wait.js';
import { buildResponse } from './responses.js';
import { newLocalTag } from './ids.js';

export function onCancel(
  ctx: CoreContext,
  inbound: InboundMessage,
  cancelTxn: ServerTransaction,
  inviteTxn: ServerTransaction | undefined,
): void {
  ctx.metrics.request('in', 'CANCEL');
  // §3.8: a proxied INVITE: the proxy CANCELs its branches; we answer the CANCEL.
  if (inviteTxn && ctx.proxy?.handleCancel(inviteTxn)) return respondFromEngine(ctx, cancelTxn, 200);
  const leg = inviteTxn ? ctx.uas.byTransaction(inviteTxn) : undefined;
  if (!leg || leg.kind !== 'initial') {
    ctx.metrics.rejected('no-dialog');
    return respondFromEngine(ctx, cancelTxn, 481);
  }
  if (leg.open) {
    respondFromEngine(ctx, cancelTxn, 200);
    // RFC 3261 §8.2.6.2: the 487 carries our tag (the one already used in 1xx, else a new one).
    const res = buildResponse(leg.inbound.message, 487, { toTag: leg.localTag ?? newLocalTag() });
    leg.to('canceled');
    ctx.uas.remove(leg);
    if (leg.dialog && !leg.dialog.isTerminated) endDialog(ctx, leg.dialog, 'canceled');
    ctx.metrics.response('out', 487);
    leg.txn.respond(res).catch((err: unknown) => ctx.logger.debug({ err }, '487 not sent'));
    deliver(ctx, leg.app, newRequestFrame(inbound, leg.txnId));
    cdrStop(ctx, 'network', 'call-canceled', inbound.message);
    return;
  }
  const d = leg.dialog;
  if (leg.state === 'accepted' && d && !d.isTerminated) {
    respondFromEngine(ctx, cancelTxn, 481);
    stopAckWait(d);
    hangUp(ctx, d, 'CANCEL after 200 OK', 'system-initiated-termination');
    leg.to('completed');
    ctx.uas.remove(leg);
    return;
  }
  // RFC 3261 §9.2: after a final response the CANCEL has no effect; drachtio answers 481.
  respondFromEngine(ctx, cancelTxn, 481);
}
