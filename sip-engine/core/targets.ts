/**
 * Where to send requests, and how the engine names itself in Via, Contact and `@localhost`
 * rewrites. RFC 3261 §18.1.1 / §19.1.2 (transport and default port from the URI), RFC 3263 §4.2
 * is approximated by an A/AAAA lookup through `dns.lookup`, so `/etc/hosts` aliases work as they do
 * with drachtio (spec §4.3).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { SipProtocol, SipUri } from '../message/types.js';
import { formatHost, parseUri } from '../message/uri.js';
import { defaultPort, isWildcard } from '../transport/addresses.js';
import { isInvalidHost } from '../transport/invalid-hosts.js';
import type { LocalEndpoint, RemoteTarget } from '../transport/types.js';
import { BRANCH_COOKIE } from '../util/ids.js';
import { randomHex } from './ids.js';

export { BRANCH_COOKIE };

/** RFC 3261 §8.1.1.7: a branch starting with the magic cookie, 80 random bits after it. */
export const newBranch = (): string => `${BRANCH_COOKIE}${randomHex(10)}`;

const PROTOCOLS: readonly SipProtocol[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

/** RFC 3261 §19.1.1 `transport=` parameter; sips: means TLS (§19.1.2, §26.2.2). */
export function uriProtocol(uri: SipUri): SipProtocol {
  const t = uri.params.get('transport')?.toLowerCase();
  if (t && (PROTOCOLS as readonly string[]).includes(t)) return t as SipProtocol;
  return uri.scheme === 'sips' ? 'tls' : 'udp';
}

/** A URI's next hop before name resolution. Returns undefined for tel: or unparseable URIs. */
export function uriHop(text: string): { protocol: SipProtocol; host: string; port: number } | undefined {
  let uri: SipUri;
  try {
    uri = parseUri(text);
  } catch {
    return undefined;
  }
  if (uri.scheme === 'tel') return undefined;
  const protocol = uriProtocol(uri);
  // RFC 3261 §16.5 / maddr: a maddr parameter overrides the host.
  const host = uri.params.get('maddr') ?? uri.host;
  return { protocol, host, port: uri.port ?? defaultPort(protocol) };
}

/**
 * Resolves a host name to an address (IP literals pass through without a lookup). A `.invalid`
 * host (RFC 6761 §6.4, RFC 7118 §5.2: a WebSocket client's Contact) is passed on unresolved: the
 * transport sends to it over the connection that client spoke on, as drachtio does.
 */
export async function resolveHost(host: string): Promise<string> {
  const h = host.startsWith('[') ? host.slice(1, -1) : host;
  if (isIP(h) || isInvalidHost(h)) return h;
  const r = await lookup(h);
  return r.address;
}

/** The address the engine advertises for an endpoint (external IP first, RFC 3261 §18.1.1 sent-by). */
export function advertisedHost(ep: LocalEndpoint): string {
  if (ep.externalAddress) return ep.externalAddress;
  if (isWildcard(ep.address)) return ep.address.includes(':') ? '::1' : '127.0.0.1';
  return ep.address;
}

/** What the engine writes about one local endpoint, formatted once per endpoint. */
interface EndpointText {
  /** The fields it was formatted from (an endpoint object changed since is formatted again). */
  protocol: string;
  address: string;
  port: number;
  externalAddress: string | undefined;
  hostport: string;
  contact: string;
  viaPrefix: string;
}

const endpointTexts = new WeakMap<LocalEndpoint, EndpointText>();

function textOf(ep: LocalEndpoint): EndpointText {
  const hit = endpointTexts.get(ep);
  if (
    hit?.port === ep.port &&
    hit.address === ep.address &&
    hit.protocol === ep.protocol &&
    hit.externalAddress === ep.externalAddress
  )
    return hit;
  const hostport = `${formatHost(advertisedHost(ep))}:${ep.port}`;
  const t = ep.protocol === 'udp' ? '' : `;transport=${ep.protocol}`;
  const text: EndpointText = {
    protocol: ep.protocol,
    address: ep.address,
    port: ep.port,
    externalAddress: ep.externalAddress,
    hostport,
    contact: `<sip:${hostport}${t}>`,
    viaPrefix: `SIP/2.0/${ep.protocol.toUpperCase()} ${hostport};rport;branch=`,
  };
  endpointTexts.set(ep, text);
  return text;
}

/** `host:port` of an endpoint as written in SIP (IPv6 bracketed). */
export function endpointHostport(ep: LocalEndpoint): string {
  return textOf(ep).hostport;
}

/** RFC 3261 §18.1.1, RFC 3581 §3: our Via for a request sent through `ep` (with `;rport`). */
export function viaFor(ep: LocalEndpoint, branch: string): string {
  return textOf(ep).viaPrefix + branch;
}

/** §2.7: the automatic Contact, `<sip:host:port>` plus `;transport=` when not UDP. */
export function contactFor(ep: LocalEndpoint): string {
  return textOf(ep).contact;
}

/** A target built from an address already resolved. */
export function remoteTarget(
  protocol: SipProtocol,
  address: string,
  port: number,
  connectionId?: string,
): RemoteTarget {
  const t: RemoteTarget = { protocol, address, port };
  if (connectionId !== undefined) t.connectionId = connectionId;
  return t;
}
