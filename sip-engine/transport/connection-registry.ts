/**
 * Open stream connections, by id and by (protocol, remote address, remote port).
 *
 * The remote index makes connection reuse work both ways: a response goes back on the connection
 * its request came in on (RFC 3261 §18.2.2), and a request to an address:port we already have a
 * connection with, inbound ones included, reuses it (RFC 5923 style, as drachtio does).
 */
import type { SipProtocol } from '../message/types.js';
import { normalizeAddress } from './addresses.js';
import type { Connection } from './connection.js';

function remoteKey(protocol: SipProtocol, address: string, port: number): string {
  return `${protocol}|${normalizeAddress(address)}|${port}`;
}

export class ConnectionRegistry {
  readonly #byId = new Map<string, Connection>();
  readonly #byRemote = new Map<string, Connection>();
  #seq = 0;

  /** A new connection id: `<protocol>-<n>` (stable for the connection's life, never reused). */
  nextId(protocol: SipProtocol): string {
    this.#seq += 1;
    return `${protocol}-${this.#seq}`;
  }

  get size(): number {
    return this.#byId.size;
  }

  add(conn: Connection): void {
    this.#byId.set(conn.id, conn);
    this.#byRemote.set(remoteKey(conn.protocol, conn.remote.address, conn.remote.port), conn);
  }

  remove(conn: Connection): void {
    this.#byId.delete(conn.id);
    const key = remoteKey(conn.protocol, conn.remote.address, conn.remote.port);
    if (this.#byRemote.get(key) === conn) this.#byRemote.delete(key);
  }

  byId(id: string): Connection | undefined {
    return this.#byId.get(id);
  }

  /** A usable (open or connecting) connection to that remote transport address. */
  byRemote(protocol: SipProtocol, address: string, port: number): Connection | undefined {
    const conn = this.#byRemote.get(remoteKey(protocol, address, port));
    return conn?.isUsable ? conn : undefined;
  }

  all(): Connection[] {
    return [...this.#byId.values()];
  }
}
