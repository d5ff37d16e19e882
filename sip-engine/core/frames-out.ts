/**
 * Turning what the network sent into `sip` frames for apps (spec §2.4(b)), with the token layouts
 * of app/frames.ts: hop meta from the packet's source, the app-visible txn id and dialog id.
 */
import { sipText } from './sip-text.js';
import { networkMessageFrame, networkRequestFrame } from '../app/frames.js';
import type { WireHop } from '../app/frames.js';
import type { SipFrame } from '../app/types.js';
import type { InboundMessage, RemoteTarget } from '../transport/types.js';

export function inboundHop(inbound: InboundMessage): WireHop {
  return {
    protocol: inbound.source.protocol,
    address: inbound.source.address,
    port: inbound.source.port,
    at: inbound.receivedAt,
  };
}

export function targetHop(target: RemoteTarget, at: Date): WireHop {
  return { protocol: target.protocol, address: target.address, port: target.port, at };
}

/** §2.4(b): a new out-of-dialog request, with `recvAddr|recvPort` (srf's req.receivedOn). */
export function newRequestFrame(inbound: InboundMessage, txnId: string): SipFrame {
  return networkRequestFrame(sipText(inbound.message), {
    ...inboundHop(inbound),
    txnId,
    receivedOn: { address: inbound.local.address, port: inbound.local.port },
  });
}

/** §2.4(b): an in-dialog request, or a response to the app's request. */
export function inDialogFrame(inbound: InboundMessage, txnId: string, dialogId: string): SipFrame {
  return networkMessageFrame(sipText(inbound.message), { ...inboundHop(inbound), txnId, dialogId });
}
