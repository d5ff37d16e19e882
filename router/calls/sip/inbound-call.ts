/**
 * Call control of one inbound call over drachtio-srf, as a B2BUA (thin: no routing rules here; the
 * coordinator decides, this carries it out). Implements {@link CallControl}:
 *
 *   queued      180 Ringing to the caller (RFC 3261 §21.1.2); with rtpengine the call would be
 *               answered and hold music played instead (the `onQueued` seam)
 *   offer       INVITE every registered device of the agent in parallel (sip/fork.ts) with the
 *               caller's SDP offer, P-Asserted-Identity (RFC 3325 §9.1), the queue (X-Patchbay-Queue)
 *               and Alert-Info (RFC 3261 §20.4) for a distinctive ring; the first 2xx wins, the
 *               caller gets 200 with that SDP, every other leg is CANCELled or BYEd
 *   withdraw    CANCEL an offer's pending legs
 *   overflow    INVITE spare targets in turn (`outboundUri` is the seam for gateway selection)
 *
 * The caller's CANCEL (RFC 3261 §9.2) or BYE ends every leg; a BYE from either side ends the other
 * leg (§15.1.1); re-INVITEs and UPDATEs pass through both ways (hold/resume, RFC 3264 §8.4).
 */
import type { Srf, SrfDialog, SrfRequest, SrfResponse } from '../../../infra/drachtio/srf-connection.js';
import type {
  CallControl,
  CallEventsSink,
  CallLog,
  OfferRequest,
  OfferResult,
  OverflowResult,
} from '../call-ports.js';
import { failureOfStatus } from '../policy/offer-failure.js';
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
  /** A spare number → where to send it (gateway selection); undefined: cannot be reached. */
  readonly outboundUri: (target: string) => ForkTarget | undefined;
  /** Seam for rtpengine: answer and play hold music instead of ringback. */
  readonly onQueued?: () => void;
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

  constructor(deps: InboundCallDeps) {
    this.#d = deps;
    // RFC 3261 §9.2: the engine answers the CANCEL (200) and the INVITE (487); we end every leg.
    deps.req.on('cancel', () => this.#callerGone());
  }

  queued(): void {
    if (this.#d.onQueued) this.#d.onQueued();
    else if (!this.#d.res.finalResponseSent) this.#d.res.send(180);
  }

  reject(status: number, retryAfterS?: number): void {
    if (this.#d.res.finalResponseSent || this.#phase === 'gone') return;
    this.#phase = 'gone';
    const headers = retryAfterS !== undefined ? { 'Retry-After': String(retryAfterS) } : {};
    this.#d.res.send(status, { headers });
  }

  async offer(req: OfferRequest, onRinging: (devices: number) => void): Promise<OfferResult> {
    const targets = await this.#d.devicesOf(req.agentId);
    if (this.#phase !== 'waiting') return { outcome: 'cancelled' };
    if (targets.length === 0) return { outcome: 'failed', failure: 'failed', status: 480 };
    const fork = new Fork(() => this.#claim(req.offerId));
    this.#forks.set(req.offerId, fork);
    fork.start(this.#d.srf, targets, { localSdp: this.#d.req.body, headers: this.#offerHeaders(req) });
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
      const where = this.#d.outboundUri(target);
      if (where === undefined || this.#phase !== 'waiting') continue;
      const fork = new Fork(() => this.#claim(`overflow:${target}`));
      this.#forks.set(`overflow:${target}`, fork);
      fork.start(this.#d.srf, [where], { localSdp: this.#d.req.body, headers: this.#identity() });
      const end = await fork.settled;
      if (end.won) {
        const r = await this.#connect(`overflow:${target}`, end.dialog);
        return { answered: r.outcome === 'answered', status: r.outcome === 'answered' ? 200 : 487, target };
      }
      this.#forks.delete(`overflow:${target}`);
      status = end.status;
    }
    return {
      answered: false,
      status: where503(targets, this.#d.outboundUri) ?? status,
      target: targets.join(','),
    };
  }

  hangup(): void {
    if (!this.#dialogs) return;
    this.#dialogs.caller.destroy(undefined, () => undefined);
    this.#dialogs.other.destroy(undefined, () => undefined);
  }

  #identity(): Record<string, string> {
    const user = userPart(this.#d.caller);
    return {
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

  /** The winning leg's answer goes to the caller (200 with its SDP); then the two are bridged. */
  async #connect(key: string, other: SrfDialog): Promise<OfferResult> {
    try {
      const caller = await this.#d.srf.createUAS(this.#d.req, this.#d.res, { localSdp: other.remote.sdp });
      if (this.#phase !== 'connecting') throw new Error('caller left while connecting');
      this.#phase = 'connected';
      this.#dialogs = { caller, other };
      bridge(caller, other, {
        onEnd: (by) => {
          this.#phase = 'gone';
          this.#d.sink.hungUp(this.#d.callId, by);
        },
        log: this.#d.log,
        callId: this.#d.callId,
      });
      return { outcome: 'answered' };
    } catch (err) {
      this.#d.log.info({ callId: this.#d.callId, err: String(err) }, 'caller gone while connecting');
      other.destroy(undefined, () => undefined);
      this.#callerGone();
      return { outcome: 'cancelled' };
    } finally {
      this.#forks.delete(key);
    }
  }

  #callerGone(): void {
    if (this.#phase === 'gone' || this.#phase === 'connected') return;
    this.#phase = 'gone';
    for (const f of this.#forks.values()) f.cancel();
    this.#d.sink.callerGone(this.#d.callId);
  }
}

/** Every target unreachable (no route): 503 (RFC 3261 §21.5.4). */
function where503(
  targets: readonly string[],
  route: (t: string) => ForkTarget | undefined,
): number | undefined {
  return targets.every((t) => route(t) === undefined) ? 503 : undefined;
}
