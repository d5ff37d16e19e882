/**
 * Floods a SIP engine on loopback with hostile input over UDP and TCP. A flood sends exactly
 * `count` inputs: each UDP datagram is handed to the socket and its send callback awaited, and
 * every `paceEvery` inputs a caller-supplied back-pressure check runs (so the engine gets to
 * process what was sent instead of the kernel dropping it). `timeLimitMs` is only a safety cap: a
 * flood that hits it stops early and says so (`timedOut`), which a test should treat as a failure.
 * Counts the responses that come back.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';

export interface FloodOptions {
  port: number;
  count: number;
  next: () => Buffer;
  /** Safety cap: stop (with `timedOut` set and fewer sent) after this many ms. */
  timeLimitMs: number;
  paceEvery?: number;
  /** UDP: datagrams handed to the socket at once (default 100; paceEvery should be a multiple). */
  batch?: number;
  pace?: (sentSoFar: number) => Promise<void>;
}

export interface FloodResult {
  sent: number;
  bytes: number;
  /** Responses seen by status code (TCP: counted on chunk text, approximately). */
  responses: Map<number, number>;
  connections: number;
  elapsedMs: number;
  /** The time cap stopped the flood before `count` inputs were sent. */
  timedOut: boolean;
}

function countStatuses(text: string, into: Map<number, number>): void {
  for (const m of text.matchAll(/SIP\/2\.0 (\d{3}) /g)) {
    const s = Number(m[1]);
    into.set(s, (into.get(s) ?? 0) + 1);
  }
}

function newResult(): FloodResult {
  return { sent: 0, bytes: 0, responses: new Map(), connections: 0, elapsedMs: 0, timedOut: false };
}

export async function udpFlood(o: FloodOptions): Promise<FloodResult> {
  const r = newResult();
  const started = Date.now();
  const socket = createSocket('udp4');
  socket.on('message', (buf) => countStatuses(buf.subarray(0, 64).toString('latin1'), r.responses));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const every = o.paceEvery ?? 1000;
  while (r.sent < o.count) {
    if (Date.now() - started >= o.timeLimitMs) {
      r.timedOut = true;
      break;
    }
    const batch = Math.min(o.batch ?? 100, o.count - r.sent);
    await Promise.all(
      Array.from({ length: batch }, () => {
        const b = o.next();
        r.bytes += b.length;
        return new Promise<void>((resolve) => socket.send(b, o.port, '127.0.0.1', () => resolve()));
      }),
    );
    r.sent += batch;
    if (o.pace && r.sent % every === 0) await o.pace(r.sent);
  }
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  r.elapsedMs = Date.now() - started;
  return r;
}

/** One connection's life: write inputs until the engine closes it or `max` were written. */
async function oneConnection(o: FloodOptions, r: FloodResult, max: number): Promise<void> {
  const socket: Socket = connect(o.port, '127.0.0.1');
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  socket.on('data', (d: Buffer) => countStatuses(d.toString('latin1'), r.responses));
  await new Promise<void>((resolve) => {
    socket.once('connect', resolve);
    socket.once('close', resolve);
  });
  if (closed) return;
  r.connections++;
  const every = o.paceEvery ?? 1000;
  for (let i = 0; i < max && !closed && r.sent < o.count; i++) {
    const b = o.next();
    r.bytes += b.length;
    r.sent++;
    if (!socket.write(b))
      await new Promise((resolve) => (socket.once('drain', resolve), socket.once('close', resolve)));
    if (o.pace && r.sent % every === 0) await o.pace(r.sent);
    else if (i % 16 === 15) await tick();
  }
  socket.destroy();
}

/** `parallel` workers each open connection after connection until `count` inputs were written. */
export async function tcpFlood(
  o: FloodOptions & { parallel: number; perConnection: number },
): Promise<FloodResult> {
  const r = newResult();
  const started = Date.now();
  const worker = async (): Promise<void> => {
    while (r.sent < o.count && Date.now() - started < o.timeLimitMs)
      await oneConnection(o, r, o.perConnection);
  };
  await Promise.all(Array.from({ length: o.parallel }, worker));
  r.timedOut = r.sent < o.count;
  r.elapsedMs = Date.now() - started;
  return r;
}
