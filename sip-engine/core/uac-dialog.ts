/**
 * Dialogs for requests we sent (RFC 3261 §12.1.2, spec §3.4): created early by a 1xx with a To
 * tag, confirmed by a 2xx (INVITE) or 200/202 (SUBSCRIBE). Route set = Record-Route reversed,
 * remote target = Contact; over a stream the dialog keeps using the connection it was set up on.
 */
import type { InboundMessage } from '../transport/types.js';
import type { CoreContext } from './context.js';
import { Dialog } from './dialog.js';
import type { DialogUsage } from './dialog.js';
import { openDialog } from './dialog-ops.js';
import { contactUri, cseqOf, listValues, toTagOf } from './sip-fields.js';
import { remoteTarget } from './targets.js';
import type { UacLeg } from './uac-leg.js';

function applyResponse(d: Dialog, inbound: InboundMessage): void {
  const msg = inbound.message;
  d.remoteTag = toTagOf(msg) ?? d.remoteTag;
  d.remoteParty = msg.get('to') ?? d.remoteParty;
  d.remoteTarget = contactUri(msg) ?? d.remoteTarget;
  d.routeSet = listValues(msg, 'record-route').reverse();
  const src = inbound.source;
  d.fixedTarget =
    d.routeSet.length === 0 && src.protocol !== 'udp'
      ? remoteTarget(src.protocol, src.address, src.port, src.connectionId)
      : undefined;
  d.resolved = undefined;
}

/** Creates or updates the dialog of an initial INVITE/SUBSCRIBE leg from a response with a To tag. */
export function uacDialogFromResponse(
  ctx: CoreContext,
  leg: UacLeg,
  inbound: InboundMessage,
  usage: DialogUsage,
): Dialog | undefined {
  const app = leg.app;
  if (!app) return undefined;
  const existing = leg.dialog ?? ctx.dialogs.get(leg.dialogId);
  if (existing && !existing.isTerminated) {
    // Once confirmed, the peer's tag is fixed (a forked 2xx is handled by the caller).
    if (existing.state === 'early') applyResponse(existing, inbound);
    leg.dialog = existing;
    return existing;
  }
  const req = leg.request;
  const d = new Dialog({
    id: leg.dialogId,
    callId: req.get('call-id') ?? '',
    role: 'uac',
    usage,
    localTag: leg.dialogId.slice(leg.dialogId.lastIndexOf(';from-tag=') + ';from-tag='.length),
    remoteTag: '',
    localParty: req.get('from') ?? '',
    remoteParty: '',
    remoteTarget: req.startLine.kind === 'request' ? req.startLine.uri : '',
    routeSet: [],
    localContact: req.get('contact') ?? '',
    localSeq: cseqOf(req)?.seq ?? 1,
    remoteSeq: undefined,
    app,
    protocol: inbound.source.protocol,
  });
  applyResponse(d, inbound);
  leg.dialog = d;
  openDialog(ctx, d);
  return d;
}
