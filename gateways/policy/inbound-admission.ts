/**
 * Whether an inbound INVITE is taken, as values: identify the gateway (source address, else digest
 * username), then check it is enabled and below its concurrent-call limit. The SIP layer maps the
 * decision with `inboundResponse`; an unknown source gets a bare 403 (no detail to a prober) while
 * the metric and log line take `reason`.
 */
import type { ConcurrencyLimiter, Lease } from '../model/concurrency-limiter.js';
import type { DirectoryGateway, GatewayDirectory } from '../model/gateway-directory.js';

export interface InboundRequestFacts {
  /** Source IP address as the transport saw it. */
  readonly sourceAddress: string;
  /** The username of the request's (Proxy-)Authorization, when it carries one. */
  readonly digestUsername?: string;
}

export type Identification<G> =
  | { readonly kind: 'gateway'; readonly gateway: G; readonly by: 'source' | 'digest' }
  | { readonly kind: 'challenge' }
  | { readonly kind: 'unknown' };

/**
 * Source address first (longest prefix). Otherwise a digest username names the gateway (the caller
 * still verifies the credentials), and a request without one is challenged when any gateway
 * authenticates by digest; else the source is unknown.
 */
export function identifyInbound<G extends DirectoryGateway>(
  facts: InboundRequestFacts,
  directory: GatewayDirectory<G>,
): Identification<G> {
  const match = directory.sources.identify(facts.sourceAddress);
  if ('gateway' in match) return { kind: 'gateway', gateway: match.gateway, by: 'source' };
  if (facts.digestUsername !== undefined) {
    const gateway = directory.byUsername.get(facts.digestUsername);
    return gateway ? { kind: 'gateway', gateway, by: 'digest' } : { kind: 'unknown' };
  }
  return directory.byUsername.size > 0 ? { kind: 'challenge' } : { kind: 'unknown' };
}

export type RejectReason = 'unknown-source' | 'gateway-disabled' | 'gateway-full';

export type InboundDecision<G> =
  | { readonly kind: 'admit'; readonly gateway: G; readonly lease: Lease }
  | { readonly kind: 'challenge' }
  | { readonly kind: 'reject'; readonly reason: 'unknown-source' }
  | { readonly kind: 'reject'; readonly reason: 'gateway-disabled'; readonly gateway: G }
  | {
      readonly kind: 'reject';
      readonly reason: 'gateway-full';
      readonly gateway: G;
      readonly retryAfterSeconds: number;
    };

/** Admission of an identified request; an admitted call holds a lease to release when it ends. */
export function admitInbound<G extends { readonly id: string; readonly enabled: boolean }>(
  identification: Identification<G>,
  limiter: ConcurrencyLimiter,
): InboundDecision<G> {
  if (identification.kind === 'challenge') return { kind: 'challenge' };
  if (identification.kind === 'unknown') return { kind: 'reject', reason: 'unknown-source' };
  const { gateway } = identification;
  if (!gateway.enabled) return { kind: 'reject', reason: 'gateway-disabled', gateway };
  const slot = limiter.acquire(gateway.id);
  if (!slot.ok)
    return { kind: 'reject', reason: 'gateway-full', gateway, retryAfterSeconds: slot.retryAfterSeconds };
  return { kind: 'admit', gateway, lease: slot.lease };
}

export interface InboundResponse {
  readonly status: 401 | 403 | 503;
  readonly reason: string;
  readonly retryAfterSeconds?: number;
}

/**
 * The SIP answer to a decision that is not `admit`: 403 for an unknown or disabled gateway
 * (RFC 3261 §21.4.4, nothing more said), 503 with Retry-After for a full one (§21.5.4, §20.33), 401
 * with a challenge (§22.2, the router is the UAS) for a digest gateway that has not authenticated.
 */
export function inboundResponse(
  decision: Exclude<InboundDecision<unknown>, { kind: 'admit' }>,
): InboundResponse {
  if (decision.kind === 'challenge') return { status: 401, reason: 'Unauthorized' };
  if (decision.reason === 'gateway-full')
    return { status: 503, reason: 'Service Unavailable', retryAfterSeconds: decision.retryAfterSeconds };
  return { status: 403, reason: 'Forbidden' };
}
