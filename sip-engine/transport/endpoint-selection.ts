/**
 * Pure choices over the bound endpoints: which one sends to a target (drachtio's
 * `findAppropriateTransport`: same transport, same IP family), and whether host:port is us.
 */
import {
  addressFamily,
  defaultPort,
  interfaceAddresses,
  isLoopbackName,
  isWildcard,
  normalizeAddress,
} from './addresses.js';
import type { IpFamily } from './addresses.js';
import type { LocalEndpoint, RemoteTarget } from './types.js';

function endpointFamily(e: LocalEndpoint): IpFamily {
  return addressFamily(e.address) === 6 ? 6 : 4;
}

/**
 * How well `e` suits a target (lower is better; undefined = unusable): 0 bound to the target's own
 * address; 1 a specific address on the same side (loopback to loopback, routable to routable);
 * 2 a wildcard of the same family; 3 a dual-stack `::` for an IPv4 target (RFC 4291 §2.5.5.2
 * mapping); 4 same family, other side.
 */
function suitability(e: LocalEndpoint, family: IpFamily, wanted: string): number | undefined {
  const own = endpointFamily(e);
  const address = normalizeAddress(e.address);
  if (own !== family) return family === 4 && address === '::' ? 3 : undefined;
  if (address === wanted) return 0;
  if (isWildcard(address)) return 2;
  return isLoopbackName(address) === isLoopbackName(wanted) ? 1 : 4;
}

/**
 * The endpoint to reach `target` from (drachtio's `findAppropriateTransport`): same protocol and IP
 * family (a host name counts as IPv4 here; resolve it first to choose exactly), best suitability,
 * configuration order on ties.
 */
export function selectEndpoint(
  endpoints: readonly LocalEndpoint[],
  target: Pick<RemoteTarget, 'protocol' | 'address'>,
): LocalEndpoint | undefined {
  const family = addressFamily(target.address) ?? 4;
  const wanted = normalizeAddress(target.address);
  let best: { endpoint: LocalEndpoint; score: number } | undefined;
  for (const endpoint of endpoints) {
    if (endpoint.protocol !== target.protocol) continue;
    const score = suitability(endpoint, family, wanted);
    if (score !== undefined && (!best || score < best.score)) best = { endpoint, score };
  }
  return best?.endpoint;
}

/** Caches the interface list for a short while: isLocal runs per request. */
let interfaceCache: { at: number; addresses: Set<string> } | undefined;

function localInterfaceAddresses(nowMs: number): Set<string> {
  if (!interfaceCache || nowMs - interfaceCache.at > 30_000) {
    interfaceCache = { at: nowMs, addresses: interfaceAddresses() };
  }
  return interfaceCache.addresses;
}

function hostMatches(e: LocalEndpoint, host: string, nowMs: number): boolean {
  if (e.externalAddress !== undefined && normalizeAddress(e.externalAddress) === host) return true;
  if (normalizeAddress(e.address) === host) return true;
  if (!isWildcard(e.address)) return false;
  // Bound to a wildcard: every local interface address and the loopback names are us.
  return isLoopbackName(host) || localInterfaceAddresses(nowMs).has(host);
}

/**
 * True if host:port is one of our listening addresses (used for "can not send request to myself").
 * Without a port, the transport's default port counts (RFC 3261 §19.1.2).
 */
export function isLocalAddress(
  endpoints: readonly LocalEndpoint[],
  host: string,
  port: number | undefined,
  nowMs: number,
): boolean {
  const h = normalizeAddress(host);
  return endpoints.some((e) => (port ?? defaultPort(e.protocol)) === e.port && hostMatches(e, h, nowMs));
}
