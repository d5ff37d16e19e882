/**
 * A media endpoint for tests: a UDP socket on 127.0.0.1 that records every RTP packet it receives
 * (RFC 3550 §5.1 fixed header parsed) and sends RTP packets with a recognisable payload, so a test
 * can count media, check its header, and tell its own packets from anyone else's.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';

export interface RtpPacket {
  readonly version: number;
  readonly payloadType: number;
  readonly seq: number;
  readonly ssrc: number;
  readonly payload: Buffer;
  readonly from: { readonly address: string; readonly port: number };
}

/** RFC 3550 §5.1: V(2) P X CC | M PT | sequence | timestamp | SSRC, then CSRCs; undefined if not RTP. */
export function parseRtp(b: Buffer, from: { address: string; port: number }): RtpPacket | undefined {
  if (b.length < 12) return undefined;
  const b0 = b.readUInt8(0);
  const cc = b0 & 0x0f;
  const start = 12 + 4 * cc;
  if (b.length < start) return undefined;
  return {
    version: b0 >> 6,
    payloadType: b.readUInt8(1) & 0x7f,
    seq: b.readUInt16BE(2),
    ssrc: b.readUInt32BE(8),
    payload: b.subarray(start),
    from: { address: from.address, port: from.port },
  };
}

export class RtpEndpoint {
  readonly packets: RtpPacket[] = [];
  readonly #socket: Socket;
  #seq = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('message', (msg, rinfo) => {
      const p = parseRtp(msg, rinfo);
      if (p) this.packets.push(p);
    });
  }

  static open(): Promise<RtpEndpoint> {
    const s = createSocket('udp4');
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => resolve(new RtpEndpoint(s)));
    });
  }

  get port(): number {
    return this.#socket.address().port;
  }

  /** Packets whose payload starts with `marker` (sent by an endpoint with that marker). */
  marked(marker: string): RtpPacket[] {
    return this.packets.filter((p) => p.payload.subarray(0, marker.length).toString('latin1') === marker);
  }

  /** One PCMU (PT 0) packet of 160 bytes: `marker`, then µ-law silence (0xff). */
  send(to: { address: string; port: number }, marker: string, ssrc = 0x5eed): Promise<void> {
    const b = Buffer.alloc(12 + 160, 0xff);
    b.writeUInt8(0x80, 0);
    b.writeUInt8(0, 1);
    b.writeUInt16BE(this.#seq & 0xffff, 2);
    b.writeUInt32BE((this.#seq * 160) >>> 0, 4);
    b.writeUInt32BE(ssrc >>> 0, 8);
    b.write(marker, 12, 'latin1');
    this.#seq++;
    return new Promise((resolve, reject) =>
      this.#socket.send(b, to.port, to.address, (err) => (err ? reject(err) : resolve())),
    );
  }

  close(): void {
    this.#socket.close();
  }
}
