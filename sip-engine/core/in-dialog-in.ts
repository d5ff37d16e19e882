/**
 * Requests from the network inside a dialog (spec §3.5, RFC 3261 §12.2.2): matched by Call-ID and
 * tags, checked, given a fresh transaction id and passed to the app that owns the dialog. Dialog
 * rules applied on receipt: re-INVITE gets 100 at once, 491/500 for overlapping INVITEs (§14.2),
 * BYE removes the dialog, NOTIFY with `terminated` ends a SUBSCRIBE dialog (not for `refer`), PRACK
 * stops reliable-1xx retransmission, UPDATE in an early dialog takes the INVITE's id (§2.8).
 */
import { parseEvent, parseSubscriptionState } from '../message/headers.js';
import type { SipMessage } from '../message/sip-message.js';
import type { ServerTransaction } from '../transaction/types.js';
import type { InboundMessage } from '../transport/types.js';
import { cdrStop } from './cdr.js';
import { ORPHAN_BYE_FORGET_MS, PENDING_FORGET_MS } from './constants.js';
import type { CoreContext } from './context.js';
import { deliver } from './context.js';
import { Dialog } from './dialog.js';
import { endDialog, openDialog } from './dialog-ops.js';
import { respondFromEngine } from './engine-responses.js';
import { inDialogFrame } from './frames-out.js';
import { makeDialogId, newTxnId } from './ids.js';
import { onPrack } from './prack.js';
import { contactUri, cseqOf, fromTagOf, listValues } from './sip-fields.js';
import { forgetLeg } from './stateless.js';
import { onNotifyState } from './subscription-expiry.js';
import { UasLeg } from './uas-leg.js';

/** RFC 6665 §4.1.2.4 / §8.2.3: NOTIFY ends a subscription dialog when terminated (refer excepted, RFC 3515). */
export function endsSubscription(msg: SipMessage): boolean {
  try {
    const st = parseSubscriptionState(msg.get('subscription-state') ?? '');
    if (st.state !== 'terminated') return false;
    return parseEvent(msg.get('event') ?? '').package.toLowerCase() !== 'refer';
  } catch {
    return false;
  }
}

/** RFC 6665 §4.1.2.4: a NOTIFY that arrives before the 2xx to our SUBSCRIBE creates the dialog. */
function dialogFromEarlyNotify(ctx: CoreContext, inbound: InboundMessage, toTag: string): Dialog | undefined {
  const msg = inbound.message;
  const callId = msg.get('call-id') ?? '';
  const leg = ctx.uac.byDialogId(makeDialogId(callId, toTag));
  const fromTag = fromTagOf(msg);
  const target = contactUri(msg);
  if (!leg?.app || leg.method !== 'SUBSCRIBE' || !fromTag || !target) return undefined;
  const req = leg.request;
  const d = new Dialog({
    id: leg.dialogId,
    callId,
    role: 'uac',
    usage: 'SUBSCRIBE',
    localTag: toTag,
    remoteTag: fromTag,
    localParty: req.get('from') ?? '',
    remoteParty: msg.get('from') ?? '',
    remoteTarget: target,
    routeSet: listValues(msg, 'record-route'),
    localContact: req.get('contact') ?? '',
    localSeq: cseqOf(req)?.seq ?? 1,
    remoteSeq: undefined,
    app: leg.app,
    protocol: inbound.source.protocol,
  });
  d.to('confirmed');
  openDialog(ctx, d);
  leg.dialog = d;
  return d;
}

/** Checks that may answer the request instead of the app; returns true when answered. */
function screen(ctx: CoreContext, d: Dialog, inbound: InboundMessage, txn: ServerTransaction): boolean {
  const msg = inbound.message;
  const method = msg.method;
  // §3.9: the owning app went away: confirmed dialogs answer 481.
  if (!d.app.open && d.state === 'confirmed') return answer(ctx, txn, 481);
  const seq = cseqOf(msg)?.seq ?? 0;
  // RFC 3261 §12.2.2: a lower CSeq than the last one is out of order → 500.
  if (d.remoteSeq !== undefined && seq < d.remoteSeq) return answer(ctx, txn, 500);
  if (d.remoteSeq === undefined || seq > d.remoteSeq) d.remoteSeq = seq;
  if (method !== 'INVITE') return false;
  respondFromEngine(ctx, txn, 100); // spec §3.5: the engine sends 100 for a re-INVITE too.
  // RFC 3261 §14.2: our own INVITE in progress → 491; theirs still unanswered → 500 + Retry-After.
  if (d.outgoingInviteTxnId !== undefined || d.ackWait !== undefined) return answer(ctx, txn, 491);
  if (d.incomingInviteTxnId !== undefined) {
    respondFromEngine(ctx, txn, 500, {
      headers: [{ name: 'Retry-After', value: String(1 + Math.floor(Math.random() * 10)) }],
    });
    return true;
  }
  return false;
}

function answer(ctx: CoreContext, txn: ServerTransaction, status: number): true {
  if (status === 481) ctx.metrics.rejected('no-dialog');
  if (status === 491) ctx.metrics.rejected('request-pending');
  respondFromEngine(ctx, txn, status);
  return true;
}

/** RFC 3261 §12.2.2: target refresh requests update the remote target. */
function refreshTarget(d: Dialog, msg: SipMessage): void {
  const uri = contactUri(msg);
  if (uri === undefined || uri === d.remoteTarget) return;
  d.remoteTarget = uri;
  if (!d.fixedTarget && d.routeSet.length === 0) d.resolved = undefined;
}

/** Dialog state changes that happen on receipt, before the app sees the request. */
function applyOnReceipt(ctx: CoreContext, d: Dialog, msg: SipMessage): void {
  switch (msg.method) {
    case 'INVITE':
    case 'UPDATE':
      refreshTarget(d, msg);
      break;
    case 'PRACK':
      onPrack(d.uasInviteTxnId ? ctx.uas.get(d.uasInviteTxnId) : undefined, msg);
      break;
    case 'BYE':
      // Spec §3.5, §5 item 9: a BYE from the network removes the dialog on receipt.
      endDialog(ctx, d, 'bye');
      cdrStop(ctx, 'network', 'normal-release', msg);
      break;
    case 'NOTIFY':
      if (d.usage === 'SUBSCRIBE' && endsSubscription(msg)) endDialog(ctx, d, 'subscription-terminated');
      else onNotifyState(ctx, d, msg);
      break;
    default:
      break;
  }
}

/** §2.8: UPDATE in an early dialog we answer as UAS is delivered with the INVITE's txn id. */
function earlyUpdate(ctx: CoreContext, d: Dialog, inbound: InboundMessage, txn: ServerTransaction): void {
  const invite = d.uasInviteTxnId ? ctx.uas.get(d.uasInviteTxnId) : undefined;
  if (!invite?.open) {
    answer(ctx, txn, 481);
    return;
  }
  // Spec §3.5: a second concurrent early UPDATE gets 500.
  if (invite.earlyUpdate?.open) {
    respondFromEngine(ctx, txn, 500, { headers: [{ name: 'Retry-After', value: '1' }] });
    return;
  }
  refreshTarget(d, inbound.message);
  invite.earlyUpdate = new UasLeg({
    txnId: invite.txnId,
    inbound,
    txn,
    kind: 'early-update',
    callId: d.callId,
    fromTag: fromTagOf(inbound.message) ?? '',
    cseq: cseqOf(inbound.message)?.seq ?? 0,
    app: invite.app,
    dialog: d,
  });
  deliver(ctx, invite.app, inDialogFrame(inbound, invite.txnId, d.id));
}

/** Entry point for a request with a To tag (and a server transaction). */
export function onInDialogRequest(
  ctx: CoreContext,
  inbound: InboundMessage,
  txn: ServerTransaction,
  toTag: string,
): void {
  const msg = inbound.message;
  const callId = msg.get('call-id') ?? '';
  const fromTag = fromTagOf(msg);
  let d = ctx.dialogs.matchRequest(callId, fromTag, toTag);
  if (!d && msg.method === 'NOTIFY') d = dialogFromEarlyNotify(ctx, inbound, toTag);
  // RFC 3261 §12.2.2, spec §3.7: no dialog → 481.
  if (!d) {
    answer(ctx, txn, 481);
    return;
  }
  if (screen(ctx, d, inbound, txn)) return;
  if (msg.method === 'UPDATE' && d.role === 'uas' && d.state === 'early')
    return earlyUpdate(ctx, d, inbound, txn);
  applyOnReceipt(ctx, d, msg);
  const leg = new UasLeg({
    txnId: newTxnId(),
    inbound,
    txn,
    kind: 'in-dialog',
    callId,
    fromTag: fromTag ?? '',
    cseq: cseqOf(msg)?.seq ?? 0,
    app: d.app,
    dialog: d,
  });
  ctx.uas.add(leg);
  const forgetMs = msg.method === 'BYE' ? ORPHAN_BYE_FORGET_MS : PENDING_FORGET_MS;
  leg.forget = ctx.clock.setTimer(forgetLeg.bind(undefined, ctx, leg), forgetMs);
  if (msg.method === 'INVITE') d.incomingInviteTxnId = leg.txnId;
  if (!deliver(ctx, d.app, inDialogFrame(inbound, leg.txnId, d.id))) {
    ctx.uas.remove(leg);
    if (msg.method === 'INVITE') d.incomingInviteTxnId = undefined;
    respondFromEngine(ctx, txn, msg.method === 'BYE' ? 200 : 481);
  }
}
