/** Small pure helpers about IP addresses and host:port text used across the transport layer. */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { SipProtocol } from '../message/types.js';

export type IpFamily = 4 | 6;

/** Strips IPv6 brackets and the IPv4-mapped prefix (`::ffff:1.2.3.4` → `1.2.3.4`). */
export function normalizeAddress(address: string): string {
  let a = address.trim();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped?.[1]) return mapped[1];
  return a.toLowerCase();
}

/** 4, 6, or undefined for a host name. */
export function addressFamily(address: string): IpFamily | undefined {
  const v = isIP(normalizeAddress(address));
  return v === 4 || v === 6 ? v : undefined;
}

export function isWildcard(address: string): boolean {
  const a = normalizeAddress(address);
  return a === '0.0.0.0' || a === '::';
}

/** `host:port` with brackets around IPv6 literals (RFC 3261 §19.1.1 / RFC 2732). */
export function hostPort(address: string, port: number): string {
  return addressFamily(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Stream transports carry SIP over a connection (RFC 3261 §18.3); only UDP is datagram-based. */
export function isStream(protocol: SipProtocol): boolean {
  return protocol !== 'udp';
}

/** TLS-protected transports (RFC 3261 §26.2, RFC 7118 §5). */
export function isSecure(protocol: SipProtocol): boolean {
  return protocol === 'tls' || protocol === 'wss';
}

/** The default port of a transport (RFC 3261 §19.1.2: 5060, 5061 for TLS; RFC 7118 uses 5061 for WSS by convention here). */
export function defaultPort(protocol: SipProtocol): number {
  return protocol === 'tls' || protocol === 'wss' ? 5061 : 5060;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** Loopback names that count as "us" when we are bound to a wildcard address. */
export function isLoopbackName(host: string): boolean {
  const h = normalizeAddress(host);
  return LOOPBACK_NAMES.has(h) || h.startsWith('127.');
}

/** Every address configured on this host's interfaces (normalised), for wildcard binds. */
export function interfaceAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) out.add(normalizeAddress(info.address.split('%')[0] ?? info.address));
  }
  return out;
}
