/**
 * Outbound stream sockets: TCP, TLS and WebSocket client connections opened when a request goes to
 * an address:port we have no connection with (RFC 3261 §18.1.1; RFC 7118 §5 for WebSocket).
 */
import { connect as tcpConnect, isIP } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import { WebSocket } from 'ws';
import { hostPort, isWildcard } from './addresses.js';
import type { LocalEndpoint } from './types.js';
import { SIP_SUBPROTOCOL } from './ws-gateway.js';

export interface ConnectTarget {
  address: string;
  port: number;
  /** The name to present for TLS SNI / the WebSocket Host (when the target was given by name). */
  hostname: string | undefined;
}

export interface ClientTlsOptions {
  key?: ConnectionOptions['key'];
  cert?: ConnectionOptions['cert'];
  ca?: ConnectionOptions['ca'];
  /** Verify the peer's certificate chain (drachtio/sofia default: no verification). */
  verifyPeer: boolean;
}

/** Source address for outbound connections: the endpoint's own address unless it is a wildcard. */
function localAddress(local: LocalEndpoint): { localAddress?: string } {
  return isWildcard(local.address) ? {} : { localAddress: local.address };
}

function tlsClientOptions(tls: ClientTlsOptions, target: ConnectTarget): ConnectionOptions {
  const opts: ConnectionOptions = { rejectUnauthorized: tls.verifyPeer };
  if (tls.key !== undefined) opts.key = tls.key;
  if (tls.cert !== undefined) opts.cert = tls.cert;
  if (tls.ca !== undefined) opts.ca = tls.ca;
  // RFC 6066 §3: SNI carries host names only, never IP literals.
  if (target.hostname !== undefined && isIP(target.hostname) === 0) opts.servername = target.hostname;
  return opts;
}

/** Starts a TCP or TLS connection; the caller waits for 'connect' / 'secureConnect'. */
export function openSocket(
  protocol: 'tcp' | 'tls',
  target: ConnectTarget,
  local: LocalEndpoint,
  tls: ClientTlsOptions,
): { socket: Socket; openEvent: 'connect' | 'secureConnect' } {
  const base = { host: target.address, port: target.port, ...localAddress(local) };
  if (protocol === 'tcp') return { socket: tcpConnect(base), openEvent: 'connect' };
  return { socket: tlsConnect({ ...base, ...tlsClientOptions(tls, target) }), openEvent: 'secureConnect' };
}

/** Starts a WebSocket client connection offering the `sip` subprotocol (RFC 7118 §4.1). */
export function openWebSocket(
  protocol: 'ws' | 'wss',
  target: ConnectTarget,
  local: LocalEndpoint,
  tls: ClientTlsOptions,
  limits: { maxMessageBytes: number; handshakeTimeoutMs: number },
): WebSocket {
  const host = target.hostname ?? target.address;
  const url = `${protocol}://${hostPort(host, target.port)}/`;
  return new WebSocket(url, SIP_SUBPROTOCOL, {
    maxPayload: limits.maxMessageBytes,
    perMessageDeflate: false,
    handshakeTimeout: limits.handshakeTimeoutMs,
    ...localAddress(local),
    ...(protocol === 'wss' ? tlsClientOptions(tls, target) : {}),
  });
}
