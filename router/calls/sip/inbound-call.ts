/**
 * Call control of one inbound call over drachtio-srf, as a B2BUA (thin: no routing rules here; the
 * coordinator decides, this carries it out). Implements {@link CallControl}:
 *
 *   queued      180 Ringing to the caller (RFC 3261 §21.1.2); with rtpengine (`hold`) the caller
 *               is answered instead, media anchored, hold music and announcements played
 *               (anchored-caller.ts); agents are then offered rtpengine's SDP, and a refusal
 *               after that answer is a BYE
 *   offer       INVITE every registered device of the agent in parallel (sip/fork.ts) with the
 *               caller's SDP offer, P-Asserted-Identity (RFC 3325 §9.1), the queue (X-Patchbay-Queue)
 *               and Alert-Info (RFC 3261 §20.4) for a distinctive ring; the first 2xx wins, the
 *               caller gets 200 with that SDP, every other leg is CANCELled or BYEd
 *   withdraw    CANCEL an offer's pending legs
 *   overflow    dial spare targets in turn (`dialOut`: numbers through the gateways' failover plan,
 *               SIP URIs directly); the first answer is bridged like an agent's
 *
 * The caller's CANCEL (RFC 3261 §9.2) or BYE ends every leg; a BYE from either side ends the other
 * leg (§15.1.1); re-INVITEs and UPDATEs pass through both ways (hold/resume, RFC 3264 §8.4).
 * With `sessionExpiresS`, every leg carries an RFC 4028 session timer (policy/session-timer.ts):
 * a leg whose peer vanished expires, and its BYE ends the call like any other.
 */
import type { Srf, SrfDialog, SrfRequest, SrfResponse } from '../../../infra/drachtio/srf-connection.js';
import type { DialOut } from './dial-out.js';
import type { Clock } from '../../../sip-engine/util/clock.js';
import type { WaitInfo } from '../policy/hold-announcement.js';
import { AnchoredCaller } from './anchored-caller.js';
import type { HoldMedia } from './media-call.js';
import type {
  CallControl,
  CallEventsSink,
  CallLog,
  OfferRequest,
  OfferResult,
  OverflowResult,
} from '../call-ports.js';
import type { HungUpBy } from '../model/call.js';
import { failureOfStatus } from '../policy/offer-failure.js';
import { answerSessionHeaders, offerSessionHeaders } from '../policy/session-timer.js';
import { isDialogEnded } from '../../../infra/drachtio/srf-connection.js';
import { Fork } from './fork.js';
import type { ForkTarget } from './fork.js';
import { bridge } from './bridge.js';

export interface InboundCallDeps {
  readonly srf: Srf;
  readonly req: SrfRequest;
  readonly res: SrfResponse;
  readonly callId: string;
  readonly caller: string;
  readonly sink: CallEventsSink;
  readonly log: CallLog;
  /** The agent's registered devices (registrar bindings). */
  readonly devicesOf: (agentId: string) => Promise<ForkTarget[]>;
  /** RFC 4028 session interval for every leg (config `calls.sessionExpiresS`); absent: none. */
  readonly sessionExpiresS?: number;
  /** Dials one overflow target (gateways or a SIP URI). */
  readonly dialOut: DialOut;
  /** rtpengine configured: answer the queued caller and play hold music instead of ringback. */
  readonly hold?: {
    readonly media: HoldMedia;
    readonly waitOf: () => WaitInfo | undefined;
    readonly clock: Clock;
  };
}

type Phase = 'waiting' | 'connecting' | 'connected' | 'gone';

/** The caller number as a SIP user part (RFC 3261 §25.1 user: unreserved and a few marks). */
const userPart = (n: string): string => n.replace(/[^A-Za-z0-9+*#._-]/g, '') || 'anonymous';

export class InboundCall implements CallControl {
  readonly #d: InboundCallDeps;
  readonly #forks = new Map<string, Fork>();
  /** Offers we withdrew: their end is `cancelled`, whatever status the legs ended with. */
  readonly #withdrawn = new Set<string>();
  #phase: Phase = 'waiting';
  #dialogs: { caller: SrfDialog; other: SrfDialog } | undefined;
  /** With rtpengine: the caller answered while queued (undefined: anchoring failed, ringback). */
  #anchored: Promise<AnchoredCaller | undefined> | undefined;
  /** The overflow INVITE in flight (CANCELled if the caller leaves), and the answered one's slot. */
  #dialling: SrfRequest | undefined;
  #releaseOut: (() => void) | undefined;

  constructor(deps: InboundCallDeps) {
    this.#d = deps;
    // RFC 3261 §9.2: the engine answers the CANCEL (200) and the INVITE (487); we end every leg.
    deps.req.on('cancel', () => this.#callerGone());
  }

  queued(): void {
    if (this.#d.hold && this.#anchored === undefined) this.#anchored = this.#anchor(this.#d.hold);
    else if (!this.#d.res.finalResponseSent) this.#d.res.send(180);
  }

  reject(status: number, retryAfterS?: number): void {
    if (this.#phase === 'gone') return;
    if (this.#d.res.finalResponseSent) {
      // Answered while queued: a refusal is a BYE now (RFC 3261 §15).
      if (this.#anchored && this.#phase === 'waiting') this.#endAnchored(true);
      return;
    }
    this.#phase = 'gone';
    const headers = retryAfterS !== undefined ? { 'Retry-After': String(retryAfterS) } : {};
    this.#d.res.send(status, { headers });
  }

  async offer(req: OfferRequest, onRinging: (devices: number) => void): Promise<OfferResult> {
    const targets = await this.#d.devicesOf(req.agentId);
    const localSdp = await this.#offerSdp();
    if (this.#phase !== 'waiting') return { outcome: 'cancelled' };
    if (targets.length === 0) return { outcome: 'failed', failure: 'failed', status: 480 };
    const fork = new Fork(() => this.#claim(req.offerId));
    this.#forks.set(req.offerId, fork);
    fork.start(this.#d.srf, targets, { localSdp, headers: this.#offerHeaders(req) });
    onRinging(targets.length);
    const end = await fork.settled;
    if (!end.won) {
      this.#forks.delete(req.offerId);
      const withdrawn = this.#withdrawn.delete(req.offerId) || this.#phase !== 'waiting';
      if (withdrawn) return { outcome: 'cancelled', status: end.status };
      return { outcome: 'failed', failure: failureOfStatus(end.status), status: end.status };
    }
    return this.#connect(req.offerId, end.dialog);
  }

  withdraw(offerId: string): boolean {
    const fork = this.#forks.get(offerId);
    if (!fork) return true;
    if (fork.answered) return false;
    this.#withdrawn.add(offerId);
    fork.cancel();
    return true;
  }

  async overflow(targets: readonly string[]): Promise<OverflowResult> {
    let status = 480;
    for (const target of targets) {
      const sdp = await this.#offerSdp(); // rtpengine's SDP when the caller is anchored
      if (this.#phase !== 'waiting') break;
      const r = await this.#d.dialOut(this.#d.srf, target, {
        sdp,
        headers: this.#identity(),
        cbRequest: (req) => (this.#dialling = req),
      });
      this.#dialling = undefined;
      if (r.kind === 'failed') {
        status = r.status;
        continue;
      }
      if (!this.#claim('overflow')) {
        r.dialog.destroy(undefined, () => undefined); // the caller left as it answered (§15)
        r.release();
        break;
      }
      this.#releaseOut = () => r.release();
      const c = await this.#connect('overflow', r.dialog);
      return { answered: c.outcome === 'answered', status: c.outcome === 'answered' ? 200 : 487, target };
    }
    return { answered: false, status: this.#phase === 'waiting' ? status : 487, target: targets.join(',') };
  }

  endedSide(): HungUpBy | undefined {
    if (this.#phase !== 'connected' || !this.#dialogs) return undefined;
    if (isDialogEnded(this.#dialogs.caller)) return 'caller';
    return isDialogEnded(this.#dialogs.other) ? 'agent' : undefined;
  }

  hangup(): void {
    this.#endAnchored(false);
    if (!this.#dialogs) return;
    this.#phase = 'gone';
    this.#releaseOut?.();
    this.#releaseOut = undefined;
    for (const d of [this.#dialogs.caller, this.#dialogs.other]) {
      if (!isDialogEnded(d)) d.destroy(undefined, () => undefined); // no BYE to an ended dialog
    }
  }

  /** Caller identity and, with a session interval, the RFC 4028 §7.1 headers of legs we start. */
  #identity(): Record<string, string> {
    const user = userPart(this.#d.caller);
    const st = this.#d.sessionExpiresS;
    return {
      ...(st !== undefined ? offerSessionHeaders(st) : {}),
      From: `<sip:${user}@localhost>`,
      'P-Asserted-Identity': `<sip:${user}@localhost>`,
      'X-Patchbay-Call-Id': this.#d.callId,
    };
  }

  #offerHeaders(req: OfferRequest): Record<string, string> {
    const queue = req.queueId ?? 'direct';
    return {
      ...this.#identity(),
      'X-Patchbay-Queue': queue,
      'Alert-Info': `<urn:alert:source:external>;queue=${queue}${req.personalManager ? ';personal' : ''}`,
    };
  }

  /**
   * A leg answered: the first one, while the caller waits, wins — synchronously, so a second 2xx
   * arriving in the same tick loses (ring-all) — and every other offer is CANCELled.
   */
  #claim(key: string): boolean {
    if (this.#phase !== 'waiting') return false;
    this.#phase = 'connecting';
    for (const [k, f] of this.#forks) if (k !== key) f.cancel();
    return true;
  }

  /**
   * With rtpengine: the caller is answered (200) with media anchored, the hold program plays to it
   * (issue 5 item 4). If anchoring fails the caller hears ringback instead and agents get its SDP.
   */
  async #anchor(hold: NonNullable<InboundCallDeps['hold']>): Promise<AnchoredCaller | undefined> {
    const { srf, req, res, log, callId } = this.#d;
    try {
      const a = await AnchoredCaller.answer({
        srf,
        req,
        res,
        log,
        callId,
        hold: hold.media,
        waitOf: hold.waitOf,
        clock: hold.clock,
        answerHeaders: this.#callerSessionHeaders(),
      });
      a.dialog.on('destroy', () => {
        void a.end(); // the caller's BYE (RFC 3261 §15.1.2), queued or bridged
        this.#callerGone();
      });
      return a;
    } catch (err) {
      log.warn({ callId, err: String(err) }, 'media not anchored: ringback instead');
      if (this.#phase === 'waiting' && !res.finalResponseSent) res.send(180);
      return undefined;
    }
  }

  /** What agents (and overflow targets) are offered: rtpengine's SDP, or the caller's own. */
  async #offerSdp(): Promise<string> {
    return (await this.#anchored)?.agentOffer ?? this.#d.req.body;
  }

  /** rtpengine forgets the call; `bye`: the caller answered while queued is hung up too. */
  #endAnchored(bye: boolean): void {
    if (bye) this.#phase = 'gone';
    void this.#anchored?.then((a) => {
      if (bye) a?.dialog.destroy(undefined, () => undefined);
      return a?.end();
    });
  }

  /** The winning leg's answer goes to the caller (200 with its SDP); then the two are bridged. */
  async #connect(key: string, other: SrfDialog): Promise<OfferResult> {
    const anchored = await this.#anchored;
    try {
      const caller = anchored
        ? await anchored.connect(other.remote.sdp).then(() => anchored.dialog)
        : await this.#d.srf.createUAS(this.#d.req, this.#d.res, {
            localSdp: other.remote.sdp,
            headers: this.#callerSessionHeaders(),
          });
      if (this.#phase !== 'connecting') throw new Error('caller left while connecting');
      this.#phase = 'connected';
      this.#dialogs = { caller, other };
      bridge(caller, other, {
        onEnd: (by) => {
          this.#phase = 'gone';
          void anchored?.end();
          this.#releaseOut?.();
          this.#d.sink.hungUp(this.#d.callId, by);
        },
        log: this.#d.log,
        callId: this.#d.callId,
        ...(anchored ? { media: anchored } : {}),
      });
      return { outcome: 'answered' };
    } catch (err) {
      this.#d.log.info({ callId: this.#d.callId, err: String(err) }, 'caller gone while connecting');
      other.destroy(undefined, () => undefined);
      this.#releaseOut?.();
      anchored?.dialog.destroy(undefined, () => undefined); // BYE: no agent to talk to
      this.#callerGone();
      return { outcome: 'cancelled' };
    } finally {
      this.#forks.delete(key);
    }
  }

  /** RFC 4028 §9: the Session-Expires of our 200 to the caller. */
  #callerSessionHeaders(): Record<string, string> {
    const st = this.#d.sessionExpiresS;
    if (st === undefined) return {};
    const { req } = this.#d;
    const sessionExpires = req.get('Session-Expires') as string | undefined;
    const minSe = req.get('Min-SE') as string | undefined;
    return answerSessionHeaders(
      { ...(sessionExpires ? { sessionExpires } : {}), ...(minSe ? { minSe } : {}) },
      st,
    );
  }

  #callerGone(): void {
    if (this.#phase === 'gone' || this.#phase === 'connected') return;
    this.#phase = 'gone';
    this.#endAnchored(false);
    for (const f of this.#forks.values()) f.cancel();
    this.#dialling?.cancel(() => undefined); // RFC 3261 §9.1
    this.#d.sink.callerGone(this.#d.callId);
  }
}
