/**
 * Admission of one INVITE against the in-memory gateway directory (no database query on this path):
 * identify the gateway by source address (longest prefix) or digest username, verify the digest with
 * the registrar's DigestAuthenticator, check enabled and the concurrent-call limit, then read the
 * caller and dialled number from the trusted headers and normalize them to E.164.
 */
import type { DigestAuthenticator } from '../../presence/registrar/digest.js';
import { parseDigestCredentials } from '../../presence/registrar/digest-params.js';
import type { ConcurrencyLimiter } from '../model/concurrency-limiter.js';
import type { GatewayDirectory } from '../model/gateway-directory.js';
import { extractCaller } from '../policy/caller-identity.js';
import { extractDialled } from '../policy/dialled-number.js';
import { admitInbound, identifyInbound, inboundResponse } from '../policy/inbound-admission.js';
import type { Identification, InboundDecision } from '../policy/inbound-admission.js';
import { normalizeNumber } from '../policy/numbering.js';
import type { NumberingPlan } from '../policy/numbering.js';
import type { AdmitResult, CallerParty, HeaderField, InviteView, RefuseReason } from './invite-view.js';
import type { LiveGateway } from './live-gateway.js';

export interface AdmissionState {
  readonly directory: GatewayDirectory<LiveGateway>;
  readonly limiter: ConcurrencyLimiter;
  /** Verifies digest credentials; without it digest gateways are refused (403). */
  readonly digest: DigestAuthenticator | undefined;
}

type Refusal = Extract<AdmitResult, { kind: 'refuse' }>;

const refuse = (
  status: Refusal['status'],
  logReason: RefuseReason,
  headers: readonly HeaderField[] = [],
  gatewayId?: string,
): Refusal => ({ kind: 'refuse', status, headers, logReason, ...(gatewayId ? { gatewayId } : {}) });

/** RFC 3261 §22.2: a UAS asks for credentials with 401 and one WWW-Authenticate per algorithm. */
function challenge(digest: DigestAuthenticator, stale: boolean, reason: RefuseReason): Refusal {
  return refuse(
    401,
    reason,
    digest.challenge({ stale }).map((v) => ['WWW-Authenticate', v] as const),
  );
}

function usernameOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const parsed = parseDigestCredentials(authorization);
  return parsed.ok ? parsed.value.username : undefined;
}

/** Digest gateways: the credentials must verify against the gateway's HA1 (RFC 7616 §3.4). */
function verifyDigest(
  id: Identification<LiveGateway>,
  view: InviteView,
  digest: DigestAuthenticator | undefined,
): Refusal | undefined {
  if (id.kind === 'challenge')
    return digest ? challenge(digest, false, 'digest-challenge') : refuse(403, 'unknown-source');
  if (id.kind !== 'gateway' || id.by !== 'digest') return undefined;
  if (!digest || view.authorization === undefined) return refuse(403, 'digest-invalid');
  const verdict = digest.verify({ authorization: view.authorization, method: 'INVITE', ha1: id.gateway.ha1 });
  if (verdict.ok) return undefined;
  if (verdict.stale) return challenge(digest, true, 'digest-stale');
  if (verdict.reason === 'malformed') return refuse(400, 'digest-malformed'); // RFC 7616 §3.4
  return refuse(403, 'digest-invalid', [], id.gateway.id);
}

/** An unknown username gets the same computation and answer as a wrong password (no enumeration). */
function unknownUser(view: InviteView, digest: DigestAuthenticator | undefined): void {
  if (digest && view.authorization !== undefined)
    digest.verify({ authorization: view.authorization, method: 'INVITE', ha1: undefined });
}

function refusal(decision: Exclude<InboundDecision<LiveGateway>, { kind: 'admit' }>): Refusal {
  const answer = inboundResponse(decision);
  if (decision.kind === 'challenge') return refuse(403, 'unknown-source'); // handled before
  const gatewayId = 'gateway' in decision ? decision.gateway.id : undefined;
  const headers: HeaderField[] =
    answer.retryAfterSeconds !== undefined ? [['Retry-After', String(answer.retryAfterSeconds)]] : [];
  return refuse(answer.status === 503 ? 503 : 403, decision.reason, headers, gatewayId);
}

function normalized(user: string, plan: NumberingPlan | undefined): string {
  const n = normalizeNumber(user, plan);
  return n.ok ? n.e164 : user;
}

/** The caller and dialled number per the gateway's trust settings and numbering. */
export function readParties(
  view: InviteView,
  g: Pick<LiveGateway, 'trust' | 'numbering'> | undefined,
): { caller: CallerParty; dialled: string } {
  const callerTrust = g?.trust.caller ?? ['from'];
  const dialledTrust = g?.trust.dialled ?? ['request-uri', 'to'];
  const c = extractCaller(view.headers, callerTrust);
  const d = extractDialled(view.requestUri, view.headers, dialledTrust);
  const caller: CallerParty = c.found
    ? {
        number: normalized(c.identity.user, g?.numbering),
        restricted: c.restricted,
        ...(c.identity.displayName !== undefined ? { display: c.identity.displayName } : {}),
      }
    : { number: '', restricted: c.restricted };
  return { caller, dialled: d.found ? normalized(d.identity.user, g?.numbering) : '' };
}

/** One INVITE from a configured gateway (the directory is not empty). */
export function admitFromGateway(
  state: AdmissionState,
  view: InviteView,
  onRelease: (gatewayId: string) => void,
): AdmitResult {
  const facts = { sourceAddress: view.sourceAddress };
  const username = usernameOf(view.authorization);
  const id = identifyInbound(
    username === undefined ? facts : { ...facts, digestUsername: username },
    state.directory,
  );
  if (id.kind === 'unknown') unknownUser(view, state.digest);
  const denied = verifyDigest(id, view, state.digest);
  if (denied) return denied;
  const decision = admitInbound(id, state.limiter);
  if (decision.kind !== 'admit') return refusal(decision);
  const { gateway, lease } = decision;
  return {
    kind: 'admit',
    gatewayId: gateway.id,
    ...readParties(view, gateway),
    release: () => {
      if (lease.release()) onRelease(gateway.id);
    },
  };
}
