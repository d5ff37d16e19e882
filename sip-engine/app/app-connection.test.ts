/**
 * AppClientConnection output batching over a real loopback socket: frames written in one tick go
 * out in one socket write, in order; a close flushes them first; the unread-output cap counts the
 * batch not yet written.
 */
import t from 'tap';
import type { Test } from 'tap';
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { waitFor } from '../../test-support/wait.js';
import { FakeClock } from '../util/clock.js';
import { AppClientConnection, FLUSH_BYTES } from './app-connection.js';
import type { ConnectionEvents, ConnectionLimits } from './app-connection.js';
import { FrameDecoder } from './framing.js';

const LIMITS: ConnectionLimits = {
  maxFrameBytes: 1024 * 1024,
  maxPendingWriteBytes: 16 * 1024 * 1024,
  authTimeoutMs: 10_000,
  closeGraceMs: 2_000,
};

interface Pair {
  conn: AppClientConnection;
  /** Every socket.write the connection made: the bytes of each call. */
  writes: number[];
  /** Payloads the peer decoded, in arrival order. */
  received: string[];
  dropped: string[];
  peer: Socket;
  peerClosed: Promise<void>;
}

/** A connection on the server side of a loopback TCP pair, with its socket writes counted. */
async function pair(t: Test, limits: Partial<ConnectionLimits> = {}): Promise<Pair> {
  const server = createServer();
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const peer = connect({ port, host: '127.0.0.1' });
  peer.on('error', () => undefined);
  const socket = await accepted;
  t.teardown(() => {
    peer.destroy();
    socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const writes: number[] = [];
  const write = socket.write.bind(socket) as (data: string | Buffer, enc: BufferEncoding) => boolean;
  socket.write = ((data: string | Buffer, enc: BufferEncoding) => {
    writes.push(Buffer.byteLength(data, enc));
    return write(data, enc);
  }) as typeof socket.write;
  const received: string[] = [];
  const decoder = new FrameDecoder();
  peer.on('data', (chunk: Buffer) => received.push(...decoder.push(chunk).frames));
  const peerClosed = new Promise<void>((resolve) => peer.once('close', () => resolve()));
  const dropped: string[] = [];
  const events: ConnectionEvents = {
    frame: () => undefined,
    protocolError: () => undefined,
    dropped: (_c, reason) => dropped.push(reason),
    closed: () => undefined,
  };
  const conn = new AppClientConnection(socket, { ...LIMITS, ...limits }, new FakeClock(), events);
  return { conn, writes, received, dropped, peer, peerClosed };
}

t.test('frames written in one tick go out in one socket write, in order', async (t) => {
  const p = await pair(t);
  const payloads = Array.from({ length: 200 }, (_, i) => `m${i}|sip|€${i}`);
  for (const payload of payloads) t.equal(p.conn.write(payload), true);
  t.same(p.writes, [], 'nothing written before the tick ends');
  t.ok(p.conn.pendingWriteBytes > 0, 'the batch counts as pending output');
  await waitFor(() => p.received.length === payloads.length, { what: 'all frames' });
  t.equal(p.writes.length, 1, 'one write for the whole tick');
  t.same(p.received, payloads, 'same frames, same order, UTF-8 lengths right');
  p.conn.write('later|ping');
  await waitFor(() => p.received.length === payloads.length + 1, { what: 'the next tick' });
  t.equal(p.writes.length, 2, 'a later tick gets its own write');
});

t.test('a batch reaching FLUSH_BYTES is written at once', async (t) => {
  const p = await pair(t);
  const big = 'x'.repeat(FLUSH_BYTES);
  p.conn.write('first');
  p.conn.write(big);
  t.equal(p.writes.length, 1, 'flushed without waiting for the tick');
  p.conn.write('last');
  await waitFor(() => p.received.length === 3, { what: 'three frames' });
  t.same(
    p.received.map((f) => f.length),
    [5, FLUSH_BYTES, 4],
  );
  t.equal(p.writes.length, 2);
});

t.test('close() sends the batch before the FIN; nothing is written after', async (t) => {
  const p = await pair(t);
  p.conn.write('a|one');
  p.conn.write('b|two');
  p.conn.close();
  t.equal(p.conn.write('c|three'), false, 'no write once closing');
  await p.peerClosed;
  t.same(p.received, ['a|one', 'b|two']);
});

t.test('destroy() discards the batch', async (t) => {
  const p = await pair(t);
  p.conn.write('a|one');
  p.conn.destroy();
  await p.peerClosed;
  t.same(p.received, []);
  t.same(p.writes, []);
});

t.test('the unread-output cap counts the batch not yet written', async (t) => {
  const p = await pair(t, { maxPendingWriteBytes: 1000 });
  let accepted = 0;
  while (accepted < 100 && p.conn.write(`m|${'p'.repeat(98)}`)) accepted++;
  t.equal(accepted, 9, 'the tenth 103-byte frame crosses 1000 bytes');
  t.equal(p.conn.open, false);
  t.match(p.dropped, [/more than 1000 bytes of unread output/]);
  t.same(p.writes, [], 'the dropped batch is never written');
  await p.peerClosed;
});
