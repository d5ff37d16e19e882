/**
 * Requests an app sends inside a dialog (`sip||<dialogId>`, spec §2.5 case 2, §3.5): Request-URI,
 * route set, From/To/Call-ID and CSeq come from the dialog (RFC 3261 §12.2.1.1); ACK for a 2xx is
 * built and sent by us and kept for 2xx retransmissions (§13.2.2.4); the app's ACK to a non-2xx is
 * refused (§5 item 7); a BYE while our re-INVITE is pending CANCELs it first.
 */
import { sipText } from './sip-text.js';
import { nokReply, requestEchoReply } from '../app/frames.js';
import type { AppConnection, CommandResponder, SipCommand } from '../app/types.js';
import type { SipMessage } from '../message/sip-message.js';
import type { LocalEndpoint, RemoteTarget } from '../transport/types.js';
import { UAC_ACK_KEEP_MS } from './constants.js';
import type { CoreContext } from './context.js';
import type { Dialog } from './dialog.js';
import { hangUp, withDialogTarget } from './engine-requests.js';
import { NokReason } from './errors.js';
import { detectContentType, sortAppHeaders } from './header-rules.js';
import { newTxnId } from './ids.js';
import { buildCancel, buildInDialogRequest, engineParts } from './request-builder.js';
import type { RequestParts } from './request-builder.js';
import { endpointHostport } from './targets.js';
import { echoHop, sendCancel } from './uac.js';
import { UacLeg } from './uac-leg.js';

function parts(ep: LocalEndpoint, appMsg: SipMessage): RequestParts | string {
  const sorted = sortAppHeaders(appMsg.headers, 'request', endpointHostport(ep));
  const ct = detectContentType(appMsg.body, sorted.contentType, 'request');
  if (!ct.ok) return ct.reason;
  return { sorted, body: appMsg.body, contentType: ct.contentType };
}

/** RFC 3261 §13.2.2.4: the ACK for a 2xx, sent outside any transaction and kept 30 s (spec §3.4). */
function sendAck(
  ctx: CoreContext,
  d: Dialog,
  appMsg: SipMessage,
  responder: CommandResponder,
  target: RemoteTarget,
  ep: LocalEndpoint,
): void {
  const pending = d.uacAck;
  const p = parts(ep, appMsg);
  if (!pending || pending.ack !== undefined) return responder.reply(nokReply(NokReason.ackForNonSuccess));
  if (typeof p === 'string') return responder.reply(nokReply(p));
  const ack = buildInDialogRequest(d, 'ACK', ep, p, { cseq: pending.cseq });
  const data = ack.toBuffer();
  pending.ack = data;
  pending.forget = ctx.clock.setTimer(() => {
    if (d.uacAck === pending) d.uacAck = undefined;
  }, UAC_ACK_KEEP_MS);
  const initial = ctx.uac.byDialogId(d.id);
  if (initial?.state === 'accepted') {
    initial.to('terminated');
    ctx.uac.remove(initial);
  }
  responder.reply(requestEchoReply(sipText(ack), { ...echoHop(ctx, ep, target), txnId: newTxnId() }));
  ctx.metrics.request('out', 'ACK');
  ctx.transport.send(data, target).catch((err: unknown) => ctx.logger.debug({ err }, 'ACK not sent'));
  // §3.4: the app CANCELled but the 2xx won: hang up right after the ACK.
  if (d.ackBye) hangUp(ctx, d, 'ACK-BYE due to cancel race condition', 'system-initiated-termination');
}

/** RFC 3261 §15: BYE while our re-INVITE is outstanding CANCELs it first (spec §3.5). */
function cancelPendingReinvite(ctx: CoreContext, d: Dialog): void {
  const txnId = d.outgoingInviteTxnId;
  const leg = txnId === undefined ? undefined : ctx.uac.get(txnId);
  d.outgoingInviteTxnId = undefined;
  if (leg?.state !== 'proceeding') return;
  sendCancel(ctx, leg, buildCancel(leg.request, engineParts()));
}

function sendInDialog(
  ctx: CoreContext,
  conn: AppConnection,
  d: Dialog,
  appMsg: SipMessage,
  responder: CommandResponder,
  target: RemoteTarget,
  ep: LocalEndpoint,
): void {
  const method = appMsg.method;
  if (method === 'ACK') return sendAck(ctx, d, appMsg, responder, target, ep);
  const p = parts(ep, appMsg);
  if (typeof p === 'string') return responder.reply(nokReply(p));
  if (method === 'BYE') cancelPendingReinvite(ctx, d);
  const uri = appMsg.startLine.kind === 'request' ? appMsg.startLine.uri : undefined;
  const req = buildInDialogRequest(d, method, ep, p, uri === undefined ? {} : { uri });
  const leg = new UacLeg({
    txnId: newTxnId(),
    request: req,
    target,
    kind: 'in-dialog',
    app: conn,
    dialogId: d.id,
    events: ctx.uacEvents,
    dialog: d,
  });
  if (method === 'INVITE') {
    d.outgoingInviteTxnId = leg.txnId;
    if (req.body.length) d.localSdp = req.body.toString('utf8');
  }
  ctx.uac.add(leg);
  responder.reply(requestEchoReply(sipText(req), { ...echoHop(ctx, ep, target), txnId: leg.txnId }));
  ctx.metrics.request('out', method);
  leg.txn = ctx.transactions.sendRequest(req, target, leg);
}

/** `sip||<dialogId>`: ACK, PRACK and every other in-dialog request from an app. */
export function onAppInDialogRequest(
  ctx: CoreContext,
  conn: AppConnection,
  cmd: SipCommand,
  appMsg: SipMessage,
  responder: CommandResponder,
): void {
  const d = ctx.dialogs.get(cmd.dialogId);
  if (!d || d.isTerminated) {
    // §5 item 7: an ACK for a failed INVITE has no dialog; the stack already ACKed it.
    const reason = appMsg.method === 'ACK' ? NokReason.ackForNonSuccess : NokReason.noDialog;
    return responder.reply(nokReply(reason));
  }
  withDialogTarget(
    ctx,
    d,
    (target, ep) => sendInDialog(ctx, conn, d, appMsg, responder, target, ep),
    () => responder.reply(nokReply(NokReason.noTransport)),
  );
}
