/**
 * Bridges two established dialogs of a B2BUA: a BYE on one side ends the other (RFC 3261 §15.1.1),
 * and a re-INVITE on one side is relayed to the other with its SDP, the answer going
 * back (RFC 3264 §8 hold/resume). Each side ends at most once.
 */
import type { SrfDialog, SrfRequest, SrfResponse } from '../../../infra/drachtio/srf-connection.js';
import type { CallLog } from '../call-ports.js';
import type { HungUpBy } from '../model/call.js';

export interface BridgeHooks {
  /** Called once, with who hung up: the caller's side, or the other (agent or overflow target). */
  readonly onEnd: (by: HungUpBy) => void;
  readonly log: CallLog;
  readonly callId: string;
}

function relay(to: SrfDialog, hooks: BridgeHooks) {
  return (req: SrfRequest, res: SrfResponse): void => {
    to.modify(req.body).then(
      (sdp) => res.send(200, { body: sdp, headers: { 'Content-Type': 'application/sdp' } }),
      (err: unknown) => {
        const s = (err as { status?: unknown } | null)?.status;
        hooks.log.info({ callId: hooks.callId, err: String(err) }, 're-INVITE not relayed');
        res.send(typeof s === 'number' && s >= 400 ? s : 500);
      },
    );
  };
}

export function bridge(caller: SrfDialog, other: SrfDialog, hooks: BridgeHooks): void {
  let ended = false;
  const end = (by: HungUpBy, peer: SrfDialog): void => {
    if (ended) return;
    ended = true;
    peer.destroy(undefined, () => undefined);
    hooks.onEnd(by);
  };
  caller.on('destroy', () => end('caller', other));
  other.on('destroy', () => end('agent', caller));
  caller.on('modify', relay(other, hooks));
  other.on('modify', relay(caller, hooks));
}
