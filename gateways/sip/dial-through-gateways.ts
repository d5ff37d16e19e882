/**
 * An outbound call through the gateways (overflow to spare numbers): walks the failover plan with
 * srf.createUAC, one gateway after another, as outbound-attempts.ts's state machine says — 2xx
 * answered; 5xx, 408, no answer within `timeoutMs` (the INVITE is CANCELled, RFC 3261 §9.1) or a
 * transport failure → next gateway (RFC 3263 §4.3); 3xx, other 4xx, 6xx → final (§21.6: 6xx is
 * not to be tried elsewhere). Each attempt holds its gateway's concurrency slot; the answered call
 * keeps it (release it when the call ends).
 */
import type { Srf, SrfDialog, SrfRequest } from '../../infra/drachtio/srf-connection.js';
import { systemClock } from '../../sip-engine/util/clock.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import { currentGateway, recordOutcome, startAttempts } from '../model/outbound-attempts.js';
import type { AttemptOutcome, Attempts, OutcomeClass } from '../model/outbound-attempts.js';
import type { OutboundLease, OutboundTarget } from '../service/outbound-plan.js';

export type UacDialog = SrfDialog;

export interface DialOptions {
  sdp: string;
  headers?: Record<string, string>;
  /** No final answer within this → CANCEL and the next gateway. */
  timeoutMs: number;
  /** Each INVITE sent (e.g. to CANCEL it when the caller hangs up). */
  cbRequest?: (req: SrfRequest, target: OutboundTarget) => void;
  clock?: Clock;
}

export interface GatewayRouting {
  outbound(number: string): OutboundTarget[];
  classify(outcome: AttemptOutcome): OutcomeClass;
}

export type TriedGateway = { readonly gatewayId: string; readonly outcome: AttemptOutcome };

export type DialResult =
  | {
      readonly kind: 'answered';
      readonly gatewayId: string;
      readonly dialog: UacDialog;
      readonly lease: OutboundLease;
      readonly tried: readonly TriedGateway[];
    }
  /** A final answer (3xx, 4xx but 408, 6xx): relay `status` to the caller. */
  | { readonly kind: 'failed'; readonly status: number; readonly tried: readonly TriedGateway[] }
  /** No gateway usable, or every one failed over. */
  | { readonly kind: 'exhausted'; readonly tried: readonly TriedGateway[] };

type AttemptResult = { outcome: AttemptOutcome; dialog?: UacDialog };

function statusOf(err: unknown): number | undefined {
  const status: unknown = typeof err === 'object' && err !== null ? Reflect.get(err, 'status') : undefined;
  return typeof status === 'number' ? status : undefined;
}

async function attempt(srf: Srf, target: OutboundTarget, o: DialOptions): Promise<AttemptResult> {
  const clock = o.clock ?? systemClock;
  let sent: SrfRequest | undefined;
  let timedOut = false;
  const timer = clock.setTimer(() => {
    timedOut = true;
    sent?.cancel(() => undefined); // RFC 3261 §9.1; srf then rejects the UAC with 487
  }, o.timeoutMs);
  try {
    const dialog = await srf.createUAC(
      target.uri,
      { localSdp: o.sdp, ...(o.headers ? { headers: o.headers } : {}) },
      {
        cbRequest: (req) => {
          sent = req;
          o.cbRequest?.(req, target);
        },
      },
    );
    return { outcome: { kind: 'response', status: 200 }, dialog };
  } catch (err) {
    if (timedOut) return { outcome: { kind: 'timeout' } };
    const status = statusOf(err);
    return { outcome: status === undefined ? { kind: 'transport-error' } : { kind: 'response', status } };
  } finally {
    timer.cancel();
  }
}

const triedOf = (a: Attempts<OutboundTarget>): TriedGateway[] =>
  a.tried.map((t) => ({ gatewayId: t.gateway.gatewayId, outcome: t.outcome }));

export async function dialThroughGateways(
  srf: Srf,
  gateways: GatewayRouting,
  number: string,
  o: DialOptions,
): Promise<DialResult> {
  let state = startAttempts(gateways.outbound(number));
  const classify = (x: AttemptOutcome): OutcomeClass => gateways.classify(x);
  for (let target = currentGateway(state); target; target = currentGateway(state)) {
    const lease = target.acquire();
    // Filled up since the plan was made: like a 503 from it, try the next one.
    if (!lease) {
      state = recordOutcome(state, { kind: 'response', status: 503 }, classify);
      continue;
    }
    const r = await attempt(srf, target, o);
    state = recordOutcome(state, r.outcome, classify);
    if (state.state === 'answered' && r.dialog)
      return {
        kind: 'answered',
        gatewayId: target.gatewayId,
        dialog: r.dialog,
        lease,
        tried: triedOf(state),
      };
    lease.release();
  }
  if (state.state === 'failed') {
    const last = state.tried.at(-1)?.outcome;
    return { kind: 'failed', status: last?.kind === 'response' ? last.status : 500, tried: triedOf(state) };
  }
  return { kind: 'exhausted', tried: triedOf(state) };
}
