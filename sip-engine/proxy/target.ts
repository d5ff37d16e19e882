/**
 * Where to send things: the next hop of a request from a SIP URI (RFC 3263 §4.1-4.2, simplified to
 * an A/AAAA lookup through the system resolver so /etc/hosts works), and the upstream hop of a
 * response from its Via (RFC 3261 §18.2.2, RFC 3581 §4).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { SipProtocol, SipUri, ViaHeader } from '../message/types.js';
import { addressFamily, defaultPort } from '../transport/addresses.js';
import { isInvalidHost } from '../transport/invalid-hosts.js';
import type { LocalEndpoint, RemoteTarget, TransportLayerApi } from '../transport/types.js';
import { ProxyError } from './errors.js';

export type HostResolver = (host: string) => Promise<string>;

/** A host name → one address, via getaddrinfo (honours /etc/hosts); IP literals pass through. */
export const systemResolver: HostResolver = async (host) => {
  if (isIP(host) !== 0) return host;
  const { address } = await lookup(host);
  return address;
};

const PROTOCOLS: ReadonlySet<string> = new Set(['udp', 'tcp', 'tls', 'ws', 'wss']);

export interface NextHop {
  /** The transport asked for explicitly (`;transport=` or sips:), else undefined. */
  protocol: SipProtocol | undefined;
  host: string;
  port: number | undefined;
}

/** RFC 3263 §4.1: transport from the `transport` parameter, TLS for sips:; maddr overrides the host (RFC 3261 §19.1.1). */
export function nextHopOf(uri: SipUri): NextHop {
  if (uri.scheme === 'tel')
    throw new ProxyError('unroutable', `a tel: URI has no host to send to: tel:${uri.user ?? ''}`);
  const t = uri.params.get('transport')?.toLowerCase();
  let protocol: SipProtocol | undefined = t && PROTOCOLS.has(t) ? (t as SipProtocol) : undefined;
  if (uri.scheme === 'sips' && (protocol === undefined || protocol === 'tcp')) protocol = 'tls';
  const maddr = uri.params.get('maddr');
  return { protocol, host: maddr ?? uri.host, port: uri.port };
}

export interface ResolvedHop {
  target: RemoteTarget;
  local: LocalEndpoint;
}

/** Stream transports a `.invalid` host without an explicit transport may have spoken on. */
const INVALID_HOST_PROTOCOLS: readonly SipProtocol[] = ['ws', 'wss', 'tcp', 'tls'];

/**
 * Resolves a next hop and picks the local endpoint. Without an explicit transport, UDP is tried
 * first and TCP when no UDP endpoint fits (as drachtio does for proxy targets, spec §3.1).
 * A `.invalid` host (RFC 6761 §6.4: never resolves; RFC 7118 §5.2: a WebSocket client's Via and
 * Contact) is not looked up: it is passed on as is and the transport reaches it over the stream
 * connection it spoke on, so only stream transports are candidates for it.
 */
export async function resolveHop(
  hop: NextHop,
  transport: TransportLayerApi,
  resolve: HostResolver,
): Promise<ResolvedHop> {
  const unresolvable = isInvalidHost(hop.host);
  const address = unresolvable ? hop.host : await resolve(hop.host);
  const fallback = unresolvable ? INVALID_HOST_PROTOCOLS : (['udp', 'tcp'] as const);
  const candidates: readonly SipProtocol[] = hop.protocol ? [hop.protocol] : fallback;
  for (const protocol of candidates) {
    const local = transport.selectEndpoint({ protocol, address });
    if (local) {
      return { target: { protocol, address, port: hop.port ?? defaultPort(protocol) }, local };
    }
  }
  throw new ProxyError('unroutable', `no local ${candidates.join('/')} endpoint can reach ${address}`);
}

/**
 * RFC 3261 §18.2.2 / RFC 3581 §4: where a response goes, from the Via it will carry on top:
 * `received` (else the sent-by host) and `rport` (else the sent-by port or the default port);
 * maddr when present.
 */
export function viaHop(via: ViaHeader): NextHop {
  const protocol = via.transport.toLowerCase();
  const p: SipProtocol | undefined = PROTOCOLS.has(protocol) ? (protocol as SipProtocol) : undefined;
  const maddr = via.params.get('maddr');
  const received = via.params.get('received');
  const rport = via.params.get('rport');
  const rportNum = rport ? Number(rport) : NaN;
  const port = Number.isInteger(rportNum) && rportNum > 0 && rportNum < 65536 ? rportNum : via.port;
  if (maddr) return { protocol: p, host: maddr, port: via.port };
  return { protocol: p, host: received ?? via.host, port };
}

/** Host to write in our Via, Record-Route and Path: the public address when one is configured. */
export function advertisedHost(local: LocalEndpoint): string {
  return local.externalAddress ?? local.address;
}

/** `host:port` with IPv6 brackets. */
export function advertisedHostPort(local: LocalEndpoint): string {
  const host = advertisedHost(local);
  return addressFamily(host) === 6 ? `[${host}]:${local.port}` : `${host}:${local.port}`;
}
