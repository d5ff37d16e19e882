/**
 * Responses to requests the engine sent (spec §2.4(b), §3.4), passed to the app with the request's
 * txn id and — for INVITE/SUBSCRIBE and in-dialog requests — the dialog id (§5 item 5).
 * INVITE: 1xx with a tag → early dialog (held CANCEL released, RFC 3261 §9.1); 2xx → dialog
 * confirmed, ACK awaited from the app, retransmitted 2xx answered with the kept ACK and never passed
 * up twice, forked 2xx ACKed and BYEd (§13.2.2.4); ≥300 → the transaction layer ACKs it.
 * BYE's response (not 401/407) and a terminating NOTIFY's response end the dialog (§5 item 9).
 */
import type { InboundMessage } from '../transport/types.js';
import { cdrStart, cdrStop } from './cdr.js';
import { UAC_ACK_WAIT_MS } from './constants.js';
import type { CoreContext } from './context.js';
import { deliver } from './context.js';
import type { Dialog } from './dialog.js';
import { endDialog } from './dialog-ops.js';
import { endOnFatalResponse } from './dialog-fatal.js';
import { inDialogFrame } from './frames-out.js';
import { endsSubscription } from './in-dialog-in.js';
import { onNotifyState, onSubscribeAccepted } from './subscription-expiry.js';
import { armSessionTimer, onRefreshResponse, uacSessionTimer } from './session-timer.js';
import { contactUri, cseqOf, toTagOf } from './sip-fields.js';
import { sendCancel } from './uac.js';
import { uacDialogFromResponse } from './uac-dialog.js';
import type { UacLeg } from './uac-leg.js';
import { ackAndByeFork, resendAck } from './uac-forks.js';

function provisional(ctx: CoreContext, leg: UacLeg, inbound: InboundMessage): boolean {
  if (leg.final) return false;
  leg.to('proceeding');
  const status = inbound.message.status;
  if (leg.kind === 'initial' && status > 100 && toTagOf(inbound.message) !== undefined) {
    uacDialogFromResponse(ctx, leg, inbound, 'INVITE');
  }
  if (leg.cancel === 'held' && leg.heldCancel) sendCancel(ctx, leg, leg.heldCancel);
  return true;
}

function confirmed(ctx: CoreContext, leg: UacLeg, inbound: InboundMessage): Dialog | undefined {
  const d = leg.kind === 'initial' ? uacDialogFromResponse(ctx, leg, inbound, 'INVITE') : leg.dialog;
  if (!d || d.isTerminated) return undefined;
  if (d.state === 'early') d.to('confirmed');
  if (leg.kind !== 'initial') {
    d.outgoingInviteTxnId = undefined;
    // RFC 3261 §12.2.1.2: a 2xx to a re-INVITE refreshes the remote target.
    const target = contactUri(inbound.message);
    if (target !== undefined && target !== d.remoteTarget) {
      d.remoteTarget = target;
      if (!d.fixedTarget && d.routeSet.length === 0) d.resolved = undefined;
    }
  }
  return d;
}

function success(ctx: CoreContext, leg: UacLeg, inbound: InboundMessage): boolean {
  const msg = inbound.message;
  if (leg.final) {
    // RFC 3261 §13.2.2.4: a retransmitted 2xx gets the kept ACK again; a fork's 2xx is ACKed + BYEd.
    const d = leg.dialog;
    if (d && toTagOf(msg) !== d.remoteTag) ackAndByeFork(ctx, leg, inbound);
    else if (d) resendAck(ctx, d);
    return false;
  }
  leg.to('accepted');
  const d = confirmed(ctx, leg, inbound);
  if (!d) return leg.kind !== 'engine';
  d.uacAck = { cseq: cseqOf(leg.request)?.seq ?? 0, ack: undefined, forget: undefined };
  if (leg.kind === 'engine') {
    // Our own session refresh: ACK it ourselves.
    resendAck(ctx, d, leg);
    onRefreshResponse(ctx, d, msg);
    return false;
  }
  if (leg.cancel !== 'none') d.ackBye = true;
  const st = uacSessionTimer(msg);
  if (st) armSessionTimer(ctx, d, st.intervalS, st.refresher === 'uac');
  if (leg.kind === 'initial') {
    cdrStart(ctx, 'network', 'uac', msg);
    leg.ackTimer = ctx.clock.setTimer(() => ctx.uac.remove(leg), UAC_ACK_WAIT_MS);
  } else ctx.uac.remove(leg);
  return true;
}

function failure(ctx: CoreContext, leg: UacLeg, inbound: InboundMessage): boolean {
  if (leg.final) return false;
  leg.to('completed');
  ctx.uac.remove(leg);
  const d = leg.dialog;
  if (leg.kind === 'initial') {
    if (d?.state === 'early') endDialog(ctx, d, 'rejected');
    cdrStop(ctx, 'network', leg.cancel === 'none' ? 'call-rejected' : 'call-canceled', inbound.message);
  } else if (d && leg.kind === 'engine') onRefreshResponse(ctx, d, inbound.message);
  else if (d) d.outgoingInviteTxnId = undefined;
  return leg.kind !== 'engine';
}

function inviteResponse(ctx: CoreContext, leg: UacLeg, inbound: InboundMessage): boolean {
  const status = inbound.message.status;
  if (status < 200) return provisional(ctx, leg, inbound);
  if (status < 300) return success(ctx, leg, inbound);
  return failure(ctx, leg, inbound);
}

/** RFC 6665 §4.1.2.2, §4.2.2: our refreshing SUBSCRIBE or the app's NOTIFY sets the time left. */
function subscriptionRefreshed(ctx: CoreContext, d: Dialog, leg: UacLeg, inbound: InboundMessage): void {
  if (leg.method === 'SUBSCRIBE') onSubscribeAccepted(ctx, d, leg.request, inbound.message);
  else if (leg.method === 'NOTIFY') onNotifyState(ctx, d, leg.request);
}

function nonInviteResponse(ctx: CoreContext, leg: UacLeg, inbound: InboundMessage): boolean {
  const status = inbound.message.status;
  if (status < 200) {
    if (leg.final) return false;
    leg.to('proceeding');
    return true;
  }
  if (leg.final) return false;
  leg.to('completed');
  ctx.uac.remove(leg);
  const ok = status < 300;
  if (leg.kind === 'initial' && leg.method === 'SUBSCRIBE' && ok) {
    const d = uacDialogFromResponse(ctx, leg, inbound, 'SUBSCRIBE');
    if (d?.state === 'early') d.to('confirmed');
    if (d) onSubscribeAccepted(ctx, d, leg.request, inbound.message);
  }
  const d = leg.dialog;
  if (leg.kind === 'in-dialog' && d && ok) subscriptionRefreshed(ctx, d, leg, inbound);
  if (leg.kind === 'in-dialog' && d) {
    // Spec §3.5: our BYE's response ends the dialog (not a challenge); so does a terminating NOTIFY's.
    if (leg.method === 'BYE' && status !== 401 && status !== 407) {
      endDialog(ctx, d, 'bye');
      cdrStop(ctx, 'application', 'normal-release', leg.request);
    }
    if (leg.method === 'NOTIFY' && d.usage === 'SUBSCRIBE' && endsSubscription(leg.request))
      endDialog(ctx, d, 'subscription-terminated');
  }
  return leg.kind !== 'engine';
}

export function onUacResponse(ctx: CoreContext, leg: UacLeg, inbound: InboundMessage): void {
  const status = inbound.message.status;
  ctx.metrics.response('in', status);
  const pass =
    leg.method === 'INVITE' ? inviteResponse(ctx, leg, inbound) : nonInviteResponse(ctx, leg, inbound);
  if (pass && leg.app) deliver(ctx, leg.app, inDialogFrame(inbound, leg.txnId, leg.dialogId));
  // After the app has the response, so srf settles the request before the dialog's `destroy`.
  if (pass && leg.kind === 'in-dialog' && leg.dialog) endOnFatalResponse(ctx, leg.dialog, leg.method, status);
}
