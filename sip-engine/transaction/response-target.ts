/**
 * Where a server transaction sends its responses: RFC 3261 §18.2.2 with RFC 3581 §4 (rport).
 */
import type { InboundMessage, RemoteTarget } from '../transport/types.js';
import type { SipProtocol } from '../message/types.js';
import { topVia, viaParam, type TopVia } from './header-fields.js';
import { isReliable } from './machine.js';

/** RFC 3261 §18.2.2 / §19.1.2: the default port when sent-by has none (5061 for TLS-based transports). */
export function defaultPort(protocol: SipProtocol): number {
  return protocol === 'tls' || protocol === 'wss' ? 5061 : 5060;
}

/** An address parameter, without the brackets some peers put around IPv6 literals. */
function address(value: string | undefined): string | undefined {
  return value !== undefined && value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
}

function port(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,5}$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 && n <= 65535 ? n : undefined;
}

/**
 * RFC 3261 §18.2.2, in order:
 * 1. reliable transport: the connection the request arrived on; should it have closed, a new
 *    connection to `received` (else the source address) and the sent-by port;
 * 2. `maddr`: that address, sent-by port (RFC 3581 §4: rport does not apply then);
 * 3. `received`: that address and, RFC 3581 §4, the `rport` value when present, else the sent-by port;
 * 4. otherwise the sent-by host and port.
 * A request without a usable Via (it should not get this far) is answered to its source.
 */
export function responseTarget(
  inbound: InboundMessage,
  top: TopVia | undefined = topVia(inbound.message),
): RemoteTarget {
  const { source } = inbound;
  const protocol = source.protocol;
  if (!top) return { ...source };
  const { via } = top;
  const sentByPort = via.port ?? defaultPort(protocol);
  const received = address(viaParam(via, 'received'));
  if (isReliable(source)) {
    const target: RemoteTarget = { protocol, address: received ?? source.address, port: sentByPort };
    if (source.connectionId !== undefined) target.connectionId = source.connectionId;
    return target;
  }
  const maddr = address(viaParam(via, 'maddr'));
  if (maddr !== undefined) return { protocol, address: maddr, port: sentByPort };
  if (received !== undefined) {
    return { protocol, address: received, port: port(viaParam(via, 'rport')) ?? sentByPort };
  }
  return { protocol, address: via.host, port: sentByPort };
}
