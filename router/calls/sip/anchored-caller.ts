/**
 * A caller answered while queued, with media anchored on rtpengine (issue 5 item 4). Offer/answer
 * (RFC 3264):
 *
 *   answer    the caller's INVITE offer goes to rtpengine (`offer`, tag caller): the SDP it returns
 *             is what every agent leg will be offered. The caller gets 200 with rtpengine's answer
 *             to a placeholder (that same SDP with port 9, discard), while what the caller sends is
 *             blocked and the hold program plays to it.
 *   connect   the agent's 2xx SDP is the real answer to the same offer (`answer`, tags caller →
 *             agent): the hold program stops, the caller's media is unblocked. rtpengine keeps its
 *             caller-facing port (port latching), so the caller's session does not change; if it
 *             ever did, the caller gets a re-INVITE with the new SDP (RFC 3264 §8).
 *   relay     re-INVITEs (hold/resume) once bridged pass through rtpengine both ways (offer from
 *             the side that sent it, answer from the other).
 *   end       the hold program stops and rtpengine forgets the call (`delete`).
 */
import type { Clock } from '../../../sip-engine/util/clock.js';
import type { Srf, SrfDialog, SrfRequest, SrfResponse } from '../../../infra/drachtio/srf-connection.js';
import type { CallLog } from '../call-ports.js';
import type { WaitInfo } from '../policy/hold-announcement.js';
import type { BridgeMedia, BridgeSide } from './bridge.js';
import { HoldPlayer } from './hold-player.js';
import { AGENT_TAG, CALLER_TAG } from './media-call.js';
import type { HoldMedia, MediaCall } from './media-call.js';

export interface AnchorDeps {
  readonly srf: Srf;
  readonly req: SrfRequest;
  readonly res: SrfResponse;
  readonly hold: HoldMedia;
  readonly waitOf: () => WaitInfo | undefined;
  readonly clock: Clock;
  readonly log: CallLog;
  readonly callId: string;
  /** Extra headers of the 200 (RFC 4028 §9 Session-Expires). */
  readonly answerHeaders?: Readonly<Record<string, string>>;
}

/** RFC 3264 §6: an answer with the offer's media lines, every port 9 (discard). */
export const placeholderAnswer = (offer: string): string => offer.replace(/^(m=\S+) \d+/gm, '$1 9');

/** The connection address and first media port of an SDP (what the peer sends to). */
export function mediaTarget(sdp: string): string {
  const c = /^c=IN IP[46] (\S+)/m.exec(sdp)?.[1] ?? '';
  const m = /^m=\S+ (\d+)/m.exec(sdp)?.[1] ?? '';
  return `${c}:${m}`;
}

export class AnchoredCaller implements BridgeMedia {
  /** The SDP every agent leg is offered (rtpengine's side towards agents). */
  readonly agentOffer: string;
  readonly dialog: SrfDialog;
  readonly #media: MediaCall;
  readonly #player: HoldPlayer;
  readonly #d: AnchorDeps;
  #callerSdp: string;
  #ended = false;

  private constructor(
    d: AnchorDeps,
    media: MediaCall,
    sdp: { agent: string; caller: string },
    dialog: SrfDialog,
  ) {
    this.#d = d;
    this.#media = media;
    this.agentOffer = sdp.agent;
    this.#callerSdp = sdp.caller;
    this.dialog = dialog;
    this.#player = new HoldPlayer({
      ...d,
      media,
      mediaDir: d.hold.mediaDir,
      announceEveryMs: d.hold.announceEveryMs,
    });
  }

  /** Anchors the caller's media and answers it (200); rejects if rtpengine or the 200 failed. */
  static async answer(d: AnchorDeps): Promise<AnchoredCaller> {
    const offer = d.req.body;
    if (typeof offer !== 'string' || offer.trim() === '') throw new Error('INVITE without SDP offer');
    const media = d.hold.open(d.callId);
    try {
      const agent = await media.offer(CALLER_TAG, offer);
      const caller = await media.answer(CALLER_TAG, AGENT_TAG, placeholderAnswer(agent));
      await media.block(CALLER_TAG);
      const dialog = await d.srf.createUAS(d.req, d.res, {
        localSdp: caller,
        headers: { ...d.answerHeaders },
      });
      const a = new AnchoredCaller(d, media, { agent, caller }, dialog);
      void a.#player.start();
      return a;
    } catch (err) {
      await media.delete().catch(() => undefined);
      throw err;
    }
  }

  /** The agent answered with `sdp`: hold program off, caller and agent talk through rtpengine. */
  async connect(sdp: string): Promise<void> {
    await this.#player.stop();
    const caller = await this.#media.answer(CALLER_TAG, AGENT_TAG, sdp);
    await this.#media.unblock(CALLER_TAG);
    if (mediaTarget(caller) === mediaTarget(this.#callerSdp)) return;
    this.#d.log.warn({ callId: this.#d.callId }, 'rtpengine moved the caller-facing port: re-INVITE');
    this.#callerSdp = caller;
    await this.dialog.modify(caller); // RFC 3264 §8: a new offer with the new address/port
  }

  offer(from: BridgeSide, sdp: string): Promise<string> {
    return this.#media.offer(from === 'caller' ? CALLER_TAG : AGENT_TAG, sdp);
  }

  answer(offeredBy: BridgeSide, sdp: string): Promise<string> {
    return offeredBy === 'caller'
      ? this.#media.answer(CALLER_TAG, AGENT_TAG, sdp)
      : this.#media.answer(AGENT_TAG, CALLER_TAG, sdp);
  }

  /** Idempotent: the hold program stops and rtpengine deletes the call. */
  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await this.#player.stop();
    await this.#media.delete().catch((err: unknown) => {
      this.#d.log.warn({ callId: this.#d.callId, err: String(err) }, 'rtpengine delete failed');
    });
  }
}
