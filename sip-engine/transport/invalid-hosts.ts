/**
 * Hosts that can only be reached over the connection they came in on.
 *
 * RFC 7118 §5.2: a WebSocket client cannot accept connections, so it names itself with a random
 * host under the reserved `.invalid` TLD (RFC 6761 §6.4: never resolves) in its Via sent-by and its
 * Contact (sip.js: `df7jal23ls0d.invalid`). A request to that host must reuse the WebSocket the
 * client's messages arrived on, as drachtio does for WebRTC clients. The same holds for any stream
 * connection whose peer names itself that way, so the index works per stream connection.
 *
 * The index remembers, per connection, the `.invalid` sent-by hosts of the requests received on it
 * (a few per connection, oldest dropped, so memory stays bounded) and forgets them when the
 * connection closes. The newest connection a host was seen on wins.
 */
import { parseVia } from '../message/headers.js';
import type { SipMessage } from '../message/sip-message.js';
import type { SipProtocol } from '../message/types.js';
import type { InboundMessage } from './types.js';

/** At most this many distinct `.invalid` hosts are remembered per connection. */
export const MAX_HOSTS_PER_CONNECTION = 8;

/** RFC 6761 §6.4: names in the `.invalid` TLD never resolve (a trailing root dot allowed). */
export function isInvalidHost(host: string): boolean {
  return /\.invalid\.?$/i.test(host.trim());
}

function hostKey(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

/** RFC 3261 §20.42: the sent-by host of the top Via, or undefined when there is none usable. */
export function topViaHost(message: SipMessage): string | undefined {
  const value = message.get('via');
  if (value === undefined) return undefined;
  try {
    return parseVia(value)[0]?.host;
  } catch {
    return undefined;
  }
}

/**
 * Whether a connection of protocol `conn` may carry a request addressed with `wanted`. sip.js
 * writes `transport=ws` in its Contact even over WSS, so WS and WSS count as one transport here.
 */
export function sameStreamTransport(wanted: SipProtocol, conn: SipProtocol): boolean {
  const ws = (p: SipProtocol): boolean => p === 'ws' || p === 'wss';
  return wanted === conn || (ws(wanted) && ws(conn));
}

export class InvalidHostIndex {
  /** host → connection id (the connection it was seen on last). */
  readonly #byHost = new Map<string, string>();
  /** connection id → hosts seen on it, oldest first. */
  readonly #byConnection = new Map<string, string[]>();

  get size(): number {
    return this.#byHost.size;
  }

  /** Records that `host` (a sent-by host) spoke on `connectionId`; ignores resolvable hosts. */
  remember(host: string, connectionId: string): void {
    if (!isInvalidHost(host)) return;
    const key = hostKey(host);
    const hosts = this.#byConnection.get(connectionId) ?? [];
    if (this.#byHost.get(key) === connectionId && hosts.includes(key)) return;
    const previous = this.#byHost.get(key);
    if (previous !== undefined && previous !== connectionId) this.#drop(previous, key);
    hosts.push(key);
    this.#byConnection.set(connectionId, hosts);
    this.#byHost.set(key, connectionId);
    while (hosts.length > MAX_HOSTS_PER_CONNECTION) {
      const oldest = hosts.shift();
      if (oldest !== undefined && this.#byHost.get(oldest) === connectionId) this.#byHost.delete(oldest);
    }
  }

  /** RFC 7118 §5.2: learns the `.invalid` top-Via sent-by host of a request received on a connection. */
  noteRequest(m: InboundMessage): void {
    const id = m.source.connectionId;
    if (!m.message.isRequest || id === undefined || m.source.protocol === 'udp') return;
    const host = topViaHost(m.message);
    if (host !== undefined) this.remember(host, id);
  }

  /** The connection `host` was last seen on, if that connection has not closed since. */
  connectionFor(host: string): string | undefined {
    return this.#byHost.get(hostKey(host));
  }

  /** Forgets every host seen on a connection (call when it closes). */
  forget(connectionId: string): void {
    for (const key of this.#byConnection.get(connectionId) ?? []) {
      if (this.#byHost.get(key) === connectionId) this.#byHost.delete(key);
    }
    this.#byConnection.delete(connectionId);
  }

  #drop(connectionId: string, key: string): void {
    const hosts = this.#byConnection.get(connectionId);
    if (!hosts) return;
    const rest = hosts.filter((h) => h !== key);
    if (rest.length) this.#byConnection.set(connectionId, rest);
    else this.#byConnection.delete(connectionId);
  }
}
