/**
 * drachtio-style `<contact>` strings → listening endpoints.
 *
 *   sip:127.0.0.1:5060;transport=udp,tcp,ws   one entry, several transports on one port
 *   sip:[::1]:5070;transport=udp              IPv6 literal in brackets (RFC 3261 §19.1.1, RFC 2732)
 *   sips:10.0.0.1;transport=tls               sips defaults to TLS on 5061 (RFC 3261 §19.1.2)
 *   sip:*:5060                                wildcard → bind 0.0.0.0; no transport → udp,tcp
 *
 * Port 0 means "the OS picks"; the transport layer reports the real port after start().
 */
import type { SipProtocol } from '../message/types.js';
import { addressFamily, defaultPort, isSecure, isStream } from './addresses.js';
import { ContactParseError } from './errors.js';
import type { LocalEndpoint } from './types.js';

const PROTOCOLS: readonly SipProtocol[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

function isProtocol(value: string): value is SipProtocol {
  return (PROTOCOLS as readonly string[]).includes(value);
}

interface HostPart {
  address: string;
  port: number | undefined;
}

function parseHostPart(contact: string, text: string): HostPart {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|(\*|[0-9.]+))(?::(\d{1,5}))?$/.exec(text);
  if (!m) throw new ContactParseError(contact, `bad host '${text}' (use an IP literal or *)`);
  const host = m[1] ?? m[2] ?? '';
  const address = host === '*' ? '0.0.0.0' : host.toLowerCase();
  if (addressFamily(address) === undefined)
    throw new ContactParseError(contact, `'${host}' is not an IP address`);
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && port > 65535) throw new ContactParseError(contact, `port ${port} out of range`);
  return { address, port };
}

function parseTransports(contact: string, scheme: string, params: string[]): SipProtocol[] {
  const param = params.find((p) => p.toLowerCase().startsWith('transport='));
  if (param === undefined) return scheme === 'sips' ? ['tls'] : ['udp', 'tcp'];
  const values = param
    .slice('transport='.length)
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '');
  if (values.length === 0) throw new ContactParseError(contact, 'empty transport parameter');
  const out: SipProtocol[] = [];
  for (const v of values) {
    if (!isProtocol(v)) throw new ContactParseError(contact, `unknown transport '${v}'`);
    // RFC 3261 §26.2.2: a SIPS URI needs a TLS-protected hop.
    if (scheme === 'sips' && v !== 'tls' && v !== 'wss')
      throw new ContactParseError(contact, `sips with '${v}'`);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/**
 * Stream transports on one fixed port share one TCP listener (SIP and WebSocket are told apart by
 * the first bytes), but plain and TLS-protected transports cannot share a port.
 */
function checkPortClash(contact: string, endpoints: LocalEndpoint[]): void {
  const secureByPort = new Map<number, boolean>();
  for (const e of endpoints) {
    if (!isStream(e.protocol) || e.port === 0) continue;
    const secure = isSecure(e.protocol);
    if (secureByPort.get(e.port) === !secure) {
      throw new ContactParseError(contact, `plain and TLS transports on one TCP port ${e.port}`);
    }
    secureByPort.set(e.port, secure);
  }
}

/** Parses one contact into one endpoint per transport. Throws ContactParseError. */
export function parseContacts(uri: string, externalIp?: string): LocalEndpoint[] {
  const m = /^(sips?):([^;]+)((?:;[^;]*)*)$/i.exec(uri.trim());
  if (!m?.[1] || !m[2]) throw new ContactParseError(uri, 'expected sip:host[:port][;transport=...]');
  const scheme = m[1].toLowerCase();
  const { address, port } = parseHostPart(uri, m[2].trim());
  const params = (m[3] ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const external = externalIp?.trim();
  if (external !== undefined && external !== '' && addressFamily(external) === undefined) {
    throw new ContactParseError(uri, `external ip '${external}' is not an IP address`);
  }
  const endpoints = parseTransports(uri, scheme, params).map((protocol): LocalEndpoint => {
    // RFC 7118 has no well-known port for WS: it must be configured.
    if (protocol === 'ws' && port === undefined)
      throw new ContactParseError(uri, 'ws needs an explicit port');
    const endpoint: LocalEndpoint = { protocol, address, port: port ?? defaultPort(protocol) };
    if (external) endpoint.externalAddress = external;
    return endpoint;
  });
  checkPortClash(uri, endpoints);
  return endpoints;
}
