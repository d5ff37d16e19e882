/**
 * 2xx retransmissions and forks for INVITEs we sent (RFC 3261 §13.2.2.4, spec §3.4): the kept ACK
 * is re-sent for every retransmitted 2xx; a 2xx from another fork (a different To tag) gets its own
 * ACK and a BYE, since the app only ever sees one dialog per dialog id.
 */
import type { InboundMessage } from '../transport/types.js';
import { MAX_FORWARDS } from './constants.js';
import type { CoreContext } from './context.js';
import { Dialog } from './dialog.js';
import { withDialogTarget } from './engine-requests.js';
import { newTxnId } from './ids.js';
import { buildInDialogRequest, engineParts } from './request-builder.js';
import { contactUri, cseqOf, listValues, toTagOf } from './sip-fields.js';
import { UacLeg } from './uac-leg.js';

/** Sends the kept ACK again, or (engine re-INVITE) builds and keeps it first. */
export function resendAck(ctx: CoreContext, d: Dialog, engineLeg?: UacLeg): void {
  const pending = d.uacAck;
  if (!pending) return;
  withDialogTarget(ctx, d, (target, ep) => {
    if (pending.ack === undefined) {
      if (!engineLeg) return; // §3.4: swallowed until the app sends its ACK.
      pending.ack = buildInDialogRequest(d, 'ACK', ep, engineParts(), { cseq: pending.cseq }).toBuffer();
    } else ctx.metrics.retransmission('ack');
    ctx.transport
      .send(pending.ack, target)
      .catch((err: unknown) => ctx.logger.debug({ err }, 'ACK not sent'));
  });
}

/** RFC 3261 §13.2.2.4: ACK then BYE a 2xx from a fork the app will never see. */
export function ackAndByeFork(ctx: CoreContext, leg: UacLeg, inbound: InboundMessage): void {
  const msg = inbound.message;
  const req = leg.request;
  const toTag = toTagOf(msg);
  const target = contactUri(msg);
  if (!leg.app || toTag === undefined || target === undefined) return;
  const fork = new Dialog({
    id: `${leg.dialogId};fork=${toTag}`,
    callId: req.get('call-id') ?? '',
    role: 'uac',
    usage: 'INVITE',
    localTag: '',
    remoteTag: toTag,
    localParty: req.get('from') ?? '',
    remoteParty: msg.get('to') ?? '',
    remoteTarget: target,
    routeSet: listValues(msg, 'record-route').reverse(),
    localContact: req.get('contact') ?? '',
    localSeq: cseqOf(req)?.seq ?? 1,
    remoteSeq: undefined,
    app: leg.app,
    protocol: inbound.source.protocol,
  });
  withDialogTarget(ctx, fork, (t, ep) => {
    const parts = engineParts();
    const ack = buildInDialogRequest(fork, 'ACK', ep, parts, { cseq: fork.localSeq });
    ctx.transport.send(ack.toBuffer(), t).catch(() => undefined);
    const bye = buildInDialogRequest(fork, 'BYE', ep, parts);
    bye.set('Max-Forwards', String(MAX_FORWARDS));
    const byeLeg = new UacLeg({
      txnId: newTxnId(),
      request: bye,
      target: t,
      kind: 'engine',
      app: undefined,
      dialogId: '',
      events: ctx.uacEvents,
    });
    byeLeg.txn = ctx.transactions.sendRequest(bye, t, byeLeg);
  });
}
