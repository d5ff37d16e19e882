/**
 * Requests the engine sends inside a dialog on its own (spec §3.3–§3.5): the BYE that ends a call
 * (ACK timeout, session expiry, CANCEL after 200, ACK/BYE race) with the "unsolicited" BYE frame
 * that tells the app, and session-refresh re-INVITEs. Their responses go to no app.
 */
import { sipText } from './sip-text.js';
import { unsolicitedRequestFrame } from '../app/frames.js';
import type { SipMessage } from '../message/sip-message.js';
import type { SipHeader } from '../message/types.js';
import type { LocalEndpoint, RemoteTarget } from '../transport/types.js';
import { cdrStop } from './cdr.js';
import type { CdrStopReason } from './cdr.js';
import type { CoreContext } from './context.js';
import { deliver } from './context.js';
import type { Dialog } from './dialog.js';
import { dialogTarget, endDialog, endpointFor } from './dialog-ops.js';
import { targetHop } from './frames-out.js';
import { newTxnId } from './ids.js';
import { buildInDialogRequest, engineParts } from './request-builder.js';
import { UacLeg } from './uac-leg.js';

/** Runs `fn` with the dialog's resolved target and local endpoint (now when cached, else after lookup). */
export function withDialogTarget(
  ctx: CoreContext,
  d: Dialog,
  fn: (target: RemoteTarget, ep: LocalEndpoint) => void,
  onFail: () => void = () => undefined,
): void {
  const run = (t: RemoteTarget | undefined): void => {
    const ep = t ? endpointFor(ctx, t) : undefined;
    if (!t || !ep) {
      ctx.logger.warn({ dialogId: d.id }, 'no route for an in-dialog request');
      onFail();
      return;
    }
    fn(t, ep);
  };
  const t = dialogTarget(d);
  if (t instanceof Promise) void t.then(run);
  else run(t);
}

/** Sends an engine-originated request in `d` through a client transaction; responses are the engine's. */
export function sendEngineRequest(
  ctx: CoreContext,
  d: Dialog,
  method: string,
  extra: readonly SipHeader[],
  body?: { data: Buffer; contentType: string },
  onSent?: (leg: UacLeg) => void,
): void {
  withDialogTarget(ctx, d, (target, ep) => {
    const req = buildInDialogRequest(d, method, ep, engineParts(extra, body?.data, body?.contentType));
    const leg = sendEngineLeg(ctx, d, req, target);
    onSent?.(leg);
  });
}

/** A client transaction for a request of the engine's own; its responses go to no app. */
function sendEngineLeg(ctx: CoreContext, d: Dialog, req: SipMessage, target: RemoteTarget): UacLeg {
  const leg = new UacLeg({
    txnId: newTxnId(),
    request: req,
    target,
    kind: 'engine',
    app: undefined,
    dialogId: d.id,
    events: ctx.uacEvents,
    dialog: d,
  });
  ctx.metrics.request('out', req.method);
  leg.txn = ctx.transactions.sendRequest(req, target, leg);
  return leg;
}

/** RFC 3326 Reason as drachtio writes it; srf reads `text="…"` as the destroy reason (spec §5 item 10). */
export function reasonHeader(text: string): SipHeader {
  return { name: 'Reason', value: `SIP ;cause=200 ;text="${text}"` };
}

/**
 * The engine hangs up: BYE to the peer, an unsolicited BYE frame (`source=application`,
 * `transactionId=unsolicited`) to the app, the dialog removed, a CDR stop written.
 */
export function hangUp(ctx: CoreContext, d: Dialog, reasonText: string, cdrReason: CdrStopReason): void {
  endAndTell(ctx, d, reasonText, cdrReason, true);
}

/**
 * The dialog is gone without a BYE on the wire (the peer answered 481, or a subscription expired):
 * removed, and the app told as drachtio tells it of any teardown it did not ask for — an
 * unsolicited BYE frame whose Reason text srf surfaces as the `destroy` reason (spec §2.4(b)).
 */
export function forgetDialog(
  ctx: CoreContext,
  d: Dialog,
  reasonText: string,
  cdrReason: CdrStopReason,
): void {
  endAndTell(ctx, d, reasonText, cdrReason, false);
}

function endAndTell(
  ctx: CoreContext,
  d: Dialog,
  reasonText: string,
  cdrReason: CdrStopReason,
  sendBye: boolean,
): void {
  if (d.isTerminated) return;
  const app = d.app;
  endDialog(ctx, d, cdrReason);
  withDialogTarget(ctx, d, (target, ep) => {
    const bye = buildInDialogRequest(d, 'BYE', ep, engineParts([reasonHeader(reasonText)]));
    if (sendBye) sendEngineLeg(ctx, d, bye, target);
    const text = sipText(bye);
    deliver(
      ctx,
      app,
      unsolicitedRequestFrame(text, { ...targetHop(target, ctx.clock.wallNow()), dialogId: d.id }),
    );
    if (d.usage === 'INVITE') cdrStop(ctx, 'application', cdrReason, bye);
  });
}
