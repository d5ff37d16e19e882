/**
 * One UDP socket per UDP endpoint; every datagram is one SIP message (RFC 3261 §18.1.1, §18.2.1).
 * Datagrams that are only keepalive noise (CRLFs, NULs, STUN per RFC 5626 §4.4.2) are ignored.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { addressFamily, normalizeAddress } from './addresses.js';
import { TransportError } from './errors.js';
import type { TransportLogger } from './logger.js';
import type { LocalEndpoint, RemoteTarget } from './types.js';

/** Requested SO_RCVBUF for SIP UDP sockets: 4 MiB absorbs ~150 ms of traffic at 1,600 calls/s. */
export const UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

/** Largest UDP payload over IPv4 (65535 - 8 UDP header - 20 IP header). */
export const MAX_UDP_PAYLOAD = 65507;
const STUN_MAGIC_COOKIE = 0x2112a442;

export type UdpListenerState = 'new' | 'binding' | 'bound' | 'closed';

const ALLOWED: Readonly<Record<UdpListenerState, readonly UdpListenerState[]>> = {
  new: ['binding', 'closed'],
  binding: ['bound', 'closed'],
  bound: ['closed'],
  closed: [],
};

/** CRLF keepalives, zero padding and STUN binding requests are not SIP and are not "malformed". */
export function isKeepaliveNoise(raw: Buffer): boolean {
  if (raw.length >= 20 && (raw[0] ?? 0xff) < 0x04 && raw.readUInt32BE(4) === STUN_MAGIC_COOKIE) return true;
  for (const byte of raw) if (byte !== 0x0d && byte !== 0x0a && byte !== 0x20 && byte !== 0x00) return false;
  return true;
}

export interface UdpListenerDeps {
  logger: TransportLogger;
  onDatagram(raw: Buffer, source: RemoteTarget, local: LocalEndpoint): void;
}

export class UdpListener {
  /** The endpoint; `port` is the real bound port once bound. */
  readonly endpoint: LocalEndpoint;
  readonly #deps: UdpListenerDeps;
  readonly #socket: Socket;
  #state: UdpListenerState = 'new';

  constructor(endpoint: LocalEndpoint, deps: UdpListenerDeps) {
    this.endpoint = { ...endpoint };
    this.#deps = deps;
    this.#socket = createSocket({
      type: addressFamily(endpoint.address) === 6 ? 'udp6' : 'udp4',
      // A large receive buffer rides out GC pauses at high call rates (the kernel caps it at net.core.rmem_max).
      recvBufferSize: UDP_RECEIVE_BUFFER_BYTES,
    });
    this.#socket.on('message', (raw, rinfo) => {
      if (this.#state !== 'bound' || isKeepaliveNoise(raw)) return;
      const source: RemoteTarget = {
        protocol: 'udp',
        address: normalizeAddress(rinfo.address),
        port: rinfo.port,
      };
      this.#deps.onDatagram(raw, source, this.endpoint);
    });
  }

  #to(next: UdpListenerState): void {
    if (!ALLOWED[this.#state].includes(next))
      throw new Error(`udp listener: illegal move ${this.#state} → ${next}`);
    this.#state = next;
  }

  async bind(): Promise<LocalEndpoint> {
    this.#to('binding');
    await new Promise<void>((resolve, reject) => {
      this.#socket.once('error', reject);
      this.#socket.bind(this.endpoint.port, this.endpoint.address, () => {
        this.#socket.off('error', reject);
        resolve();
      });
    });
    if (this.#state !== 'binding') throw new Error('udp listener closed while binding');
    this.#to('bound');
    this.endpoint.port = this.#socket.address().port;
    this.#socket.on('error', (err) =>
      this.#deps.logger.warn({ err, endpoint: this.endpoint }, 'udp socket error'),
    );
    return this.endpoint;
  }

  /** Sends one datagram. RFC 3261 §18.1.1 size policy (switching to TCP) is the caller's. */
  async send(data: Buffer, address: string, port: number): Promise<void> {
    if (this.#state !== 'bound')
      throw new TransportError('closed', `udp ${this.endpoint.address} is not bound`);
    if (data.length > MAX_UDP_PAYLOAD) {
      throw new TransportError('too-large', `${data.length} bytes do not fit in a UDP datagram`);
    }
    await new Promise<void>((resolve, reject) => {
      this.#socket.send(data, port, address, (err) => {
        if (!err) resolve();
        else if ((err as NodeJS.ErrnoException).code === 'EMSGSIZE') {
          reject(new TransportError('too-large', 'datagram too large for the path', { cause: err }));
        } else reject(new TransportError('closed', `udp send to ${address}:${port} failed`, { cause: err }));
      });
    });
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const wasOpen = this.#state !== 'new';
    this.#to('closed');
    if (!wasOpen) return;
    await new Promise<void>((resolve) => {
      try {
        this.#socket.close(() => resolve());
      } catch {
        resolve(); // already closed (bind failed)
      }
    });
  }
}
