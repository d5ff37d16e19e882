/**
 * Creating the dialog for a request we answer (RFC 3261 §12.1.1, spec §3.3): route set from
 * Record-Route (in order), remote target from Contact, our tag from the response. NAT rule (§3.3):
 * with no Record-Route, in-dialog requests go back where the request came from when that differs
 * from the Contact (and always over the same stream connection).
 */
import { isIP } from 'node:net';
import type { SipMessage } from '../message/sip-message.js';
import type { InboundMessage, RemoteTarget } from '../transport/types.js';
import type { CoreContext } from './context.js';
import { Dialog } from './dialog.js';
import type { DialogUsage } from './dialog.js';
import { openDialog } from './dialog-ops.js';
import { contactUri, listValues } from './sip-fields.js';
import { contactFor, remoteTarget, uriHop } from './targets.js';
import type { UasLeg } from './uas-leg.js';

/** Where in-dialog requests go when Contact is not to be trusted (spec §3.3 NAT rule, stream reuse). */
export function natTarget(
  inbound: InboundMessage,
  routeSet: readonly string[],
  contact: string | undefined,
): RemoteTarget | undefined {
  if (routeSet.length > 0) return undefined;
  const src = inbound.source;
  const fromSource = remoteTarget(src.protocol, src.address, src.port, src.connectionId);
  if (src.protocol !== 'udp') return fromSource;
  const hop = contact === undefined ? undefined : uriHop(contact);
  if (!hop) return fromSource;
  if (isIP(hop.host) && (hop.host !== src.address || hop.port !== src.port)) return fromSource;
  return undefined;
}

/** Creates (early) or returns the UAS dialog of `leg`; `response` is the one about to be sent. */
export function ensureUasDialog(
  ctx: CoreContext,
  leg: UasLeg,
  response: SipMessage,
  usage: DialogUsage,
): Dialog {
  if (leg.dialog) return leg.dialog;
  const req = leg.inbound.message;
  const routeSet = listValues(req, 'record-route');
  const target = contactUri(req);
  const fixed = natTarget(leg.inbound, routeSet, target);
  const d = new Dialog({
    id: leg.dialogId,
    callId: leg.callId,
    role: 'uas',
    usage,
    localTag: leg.localTag ?? '',
    remoteTag: leg.fromTag,
    localParty: response.get('to') ?? '',
    remoteParty: req.get('from') ?? '',
    remoteTarget: target ?? '',
    routeSet,
    localContact: response.get('contact') ?? contactFor(leg.inbound.local),
    localSeq: Math.floor(Math.random() * 10000),
    remoteSeq: leg.cseq,
    app: leg.app,
    protocol: leg.inbound.source.protocol,
    ...(fixed ? { fixedTarget: fixed } : {}),
  });
  if (usage === 'INVITE') d.uasInviteTxnId = leg.txnId;
  leg.dialog = d;
  openDialog(ctx, d);
  return d;
}
