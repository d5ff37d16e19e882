/**
 * A raw UDP SIP peer on loopback for tests: sends bytes to the engine and keeps every datagram it
 * receives (as latin1 text, so bytes map 1:1), with a deadline-bounded wait for a matching one.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { waitFor } from './wait.js';

export class UdpProbe {
  readonly received: string[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('message', (buf) => this.received.push(buf.toString('latin1')));
  }

  static open(host = '127.0.0.1'): Promise<UdpProbe> {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => {
        socket.off('error', reject);
        socket.on('error', () => undefined);
        resolve(new UdpProbe(socket, socket.address().port));
      });
    });
  }

  send(data: string | Buffer, port: number, host = '127.0.0.1'): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    return new Promise((resolve, reject) => {
      this.socket.send(buf, port, host, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** The first received datagram (past or future) that passes `match`. */
  waitFor(match: (text: string) => boolean, timeoutMs = 5000, what = 'a matching datagram'): Promise<string> {
    return waitFor(() => this.received.find(match), { timeoutMs, intervalMs: 5, what });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** The status code of a SIP response text, or undefined for a request/garbage. */
export function statusOf(text: string): number | undefined {
  const m = /^SIP\/2\.0 (\d{3}) /.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The header lines (name: value) of a SIP message text, before the blank line. */
export function headerLines(text: string): string[] {
  const end = text.indexOf('\r\n\r\n');
  return (end >= 0 ? text.slice(0, end) : text).split('\r\n').slice(1);
}
