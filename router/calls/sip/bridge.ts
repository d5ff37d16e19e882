/**
 * Bridges two established dialogs of a B2BUA: a BYE on one side ends the other (RFC 3261 §15.1.1),
 * and a re-INVITE on one side is relayed to the other with its SDP, the answer going
 * back (RFC 3264 §8 hold/resume). Each side ends at most once. With media anchored (`media`), the
 * offer and the answer of a re-INVITE go through the media relay on the way.
 *
 * A session refresh (RFC 4028 §7.4: a re-INVITE whose SDP is unchanged — same o= line, RFC 3264
 * §8 — or an UPDATE) is answered on its own leg, not relayed, and every 2xx we give to a
 * re-INVITE or UPDATE echoes its Session-Expires (§9), or the refresher would stop refreshing.
 */
import { isDialogEnded } from '../../../infra/drachtio/srf-connection.js';
import type { SrfDialog, SrfRequest, SrfResponse } from '../../../infra/drachtio/srf-connection.js';
import type { CallLog } from '../call-ports.js';
import type { HungUpBy } from '../model/call.js';
import { refreshAnswerHeaders } from '../policy/session-timer.js';

export type BridgeSide = 'caller' | 'agent';

/** SDP rewriting by a media relay (rtpengine): an offer from one side, the other side's answer. */
export interface BridgeMedia {
  offer(from: BridgeSide, sdp: string): Promise<string>;
  answer(offeredBy: BridgeSide, sdp: string): Promise<string>;
}

export interface BridgeHooks {
  /** Called once, with who hung up: the caller's side, or the other (agent or overflow target). */
  readonly onEnd: (by: HungUpBy) => void;
  readonly log: CallLog;
  readonly callId: string;
  readonly media?: BridgeMedia;
}

async function modifyThrough(
  to: SrfDialog,
  from: BridgeSide,
  sdp: string,
  media?: BridgeMedia,
): Promise<string> {
  if (!media) return to.modify(sdp);
  const answer = await to.modify(await media.offer(from, sdp));
  return media.answer(from, answer);
}

const SDP = 'application/sdp';
const originLine = (sdp: string): string | undefined => /^o=.*$/m.exec(sdp)?.[0];

function relay(from: SrfDialog, to: SrfDialog, side: BridgeSide, hooks: BridgeHooks) {
  let lastRemote = from.remote.sdp; // srf has already stored the new SDP when `modify` fires
  return (req: SrfRequest, res: SrfResponse): void => {
    const se = refreshAnswerHeaders(req.get('Session-Expires'));
    const refresh = originLine(req.body) !== undefined && originLine(req.body) === originLine(lastRemote);
    lastRemote = req.body;
    if (refresh) {
      res.send(200, { body: from.local.sdp, headers: { 'Content-Type': SDP, ...se } });
      return;
    }
    modifyThrough(to, side, req.body, hooks.media).then(
      (sdp) => res.send(200, { body: sdp, headers: { 'Content-Type': SDP, ...se } }),
      (err: unknown) => {
        const s = (err as { status?: unknown } | null)?.status;
        hooks.log.info({ callId: hooks.callId, err: String(err) }, 're-INVITE not relayed');
        res.send(typeof s === 'number' && s >= 400 ? s : 500);
      },
    );
  };
}

/** UPDATE inside the bridged dialog (RFC 3311): a refresh answered here, with our current SDP. */
function answerUpdate(dialog: SrfDialog) {
  return (req: SrfRequest, res: SrfResponse): void => {
    const se = refreshAnswerHeaders(req.get('Session-Expires'));
    const body = req.body ? { body: dialog.local.sdp } : {};
    res.send(200, { ...body, headers: { ...(req.body ? { 'Content-Type': SDP } : {}), ...se } });
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
  caller.on('modify', relay(caller, other, 'caller', hooks));
  other.on('modify', relay(other, caller, 'agent', hooks));
  caller.on('update', answerUpdate(caller));
  other.on('update', answerUpdate(other));
  // A side that ended before we could listen (its BYE came with its creation) ends the bridge, or
  // the other leg and its agent would stay up for good. Deferred past the microtasks that report
  // the answer, so the hang-up reaches a call that is already connected.
  if (isDialogEnded(caller) || isDialogEnded(other)) {
    setImmediate(() => {
      if (isDialogEnded(caller)) end('caller', other);
      else end('agent', caller);
    });
  }
}
