/**
 * The idle policy on real loopback sockets (TCP and WebSocket) with a FakeClock driving the timers:
 * connections that delivered a SIP message outlive idleTimeoutMs and are closed after
 * establishedIdleTimeoutMs (default 1 h); a message left half-sent is cut after idleTimeoutMs.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import t from 'tap';
import { WebSocket } from 'ws';
import { optionsText, rawTcpClient, startLayer } from '../../test-support/transport-harness.js';
import type { LayerUnderTest } from '../../test-support/transport-harness.js';
import { nextEvent, waitFor } from '../../test-support/wait.js';
import { FakeClock } from '../util/clock.js';
import { DEFAULT_ESTABLISHED_IDLE_TIMEOUT_MS } from './stream-transports.js';

const IDLE_MS = 1000;

async function layer(
  t: { teardown(fn: () => unknown): void },
  contact: string,
  clock: FakeClock,
): Promise<LayerUnderTest> {
  const srv = await startLayer([contact], { clock, limits: { idleTimeoutMs: IDLE_MS } });
  t.teardown(() => srv.layer.stop());
  return srv;
}

/**
 * Advances the fake clock by `stepMs` until `closed()` (at most 400 steps, real time allowing the
 * server to see what was sent). Returns the fake time it took.
 */
async function advanceUntilClosed(clock: FakeClock, closed: () => boolean, stepMs: number): Promise<number> {
  let advanced = 0;
  await waitFor(
    () => {
      if (closed()) return true;
      if (advanced >= 400 * stepMs) return false;
      clock.advance(stepMs);
      advanced += stepMs;
      return false;
    },
    { timeoutMs: 8000, what: 'idle close' },
  );
  return advanced;
}

t.test(
  'TCP: a connection that delivered a message outlives idleTimeoutMs, then the 1 h default',
  async (t) => {
    const clock = new FakeClock();
    const srv = await layer(t, 'sip:127.0.0.1:0;transport=tcp', clock);
    const c = await rawTcpClient(srv.port('tcp'));
    t.teardown(() => c.close());
    c.socket.write(optionsText('TCP', '127.0.0.1', 5999, 'z9hG4bK-e1'));
    await srv.nthMessage(1);
    clock.advance(IDLE_MS * 10);
    c.socket.write(optionsText('TCP', '127.0.0.1', 5999, 'z9hG4bK-e2'));
    await srv.nthMessage(2, 'a message after 10 × idleTimeoutMs of silence');
    clock.advance(DEFAULT_ESTABLISHED_IDLE_TIMEOUT_MS - IDLE_MS);
    c.socket.write(optionsText('TCP', '127.0.0.1', 5999, 'z9hG4bK-e3'));
    await srv.nthMessage(3, 'a message just under an hour later');
    t.equal(srv.layer.stats.connectionsClosedIdle, 0);
    clock.advance(DEFAULT_ESTABLISHED_IDLE_TIMEOUT_MS);
    await waitFor(() => c.isClosed(), { what: 'closed after an hour of silence' });
    await waitFor(() => srv.layer.stats.connectionsClosedIdle === 1, { what: 'counted as idle' });
  },
);

t.test('TCP: framed but unparseable input does not earn the long limit', async (t) => {
  const clock = new FakeClock();
  const srv = await layer(t, 'sip:127.0.0.1:0;transport=tcp', clock);
  const c = await rawTcpClient(srv.port('tcp'));
  t.teardown(() => c.close());
  c.socket.write('OPTIONS sip:a@b SIP/2.0\r\nCSeq: what\r\nContent-Length: 0\r\n\r\n');
  await waitFor(() => srv.malformed[0], { what: 'malformed' });
  clock.advance(IDLE_MS);
  await waitFor(() => c.isClosed(), { what: 'closed by the short limit' });
});

t.test('TCP: a half-sent message on an established connection is cut after idleTimeoutMs', async (t) => {
  const clock = new FakeClock();
  const srv = await layer(t, 'sip:127.0.0.1:0;transport=tcp', clock);
  const c = await rawTcpClient(srv.port('tcp'));
  t.teardown(() => c.close());
  c.socket.write(optionsText('TCP', '127.0.0.1', 5999, 'z9hG4bK-p1'));
  await srv.nthMessage(1);
  c.socket.write(optionsText('TCP', '127.0.0.1', 5999, 'z9hG4bK-p2').slice(0, 60));
  const took = await advanceUntilClosed(clock, () => c.isClosed(), IDLE_MS / 4);
  t.ok(took < 100 * IDLE_MS, `closed after ${took} ms of fake time (long limit is an hour)`);
  t.equal(srv.messages.length, 1);
});

t.test('WS: an established WebSocket outlives idleTimeoutMs and is closed politely later', async (t) => {
  const clock = new FakeClock();
  const srv = await layer(t, 'sip:127.0.0.1:0;transport=ws', clock);
  const ws = new WebSocket(`ws://127.0.0.1:${srv.port('ws')}/`, ['sip']);
  t.teardown(() => ws.terminate());
  await nextEvent(ws, 'open', { timeoutMs: 5000 });
  ws.send(optionsText('WS', 'k3j2.invalid', 0, 'z9hG4bK-w1'));
  await srv.nthMessage(1);
  clock.advance(IDLE_MS * 10);
  ws.send(optionsText('WS', 'k3j2.invalid', 0, 'z9hG4bK-w2'));
  await srv.nthMessage(2, 'a message after 10 × idleTimeoutMs of silence');
  const closing = nextEvent<[number]>(ws, 'close', { timeoutMs: 5000 });
  clock.advance(DEFAULT_ESTABLISHED_IDLE_TIMEOUT_MS);
  const [code] = await closing;
  t.equal(code, 1000, 'idle close is a normal close frame');
  await waitFor(() => srv.layer.stats.connectionsClosedIdle === 1, { what: 'counted as idle' });
});

t.test('WS: a WebSocket that never sends a message keeps the short limit', async (t) => {
  const clock = new FakeClock();
  const srv = await layer(t, 'sip:127.0.0.1:0;transport=ws', clock);
  const ws = new WebSocket(`ws://127.0.0.1:${srv.port('ws')}/`, ['sip']);
  t.teardown(() => ws.terminate());
  await nextEvent(ws, 'open', { timeoutMs: 5000 });
  ws.send('\r\n\r\n');
  await waitFor(() => srv.layer.stats.keepalivesAnswered === 1, { what: 'keepalive answered' });
  const closing = nextEvent(ws, 'close', { timeoutMs: 5000 });
  clock.advance(IDLE_MS);
  await closing;
  t.pass('closed idleTimeoutMs after the keepalive');
});

/** RFC 6455 §5.2: one masked text frame (client to server), payload under 64 KiB. */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const short = payload.length < 126;
  const head = Buffer.alloc(short ? 2 : 4);
  head[0] = 0x81; // FIN + opcode 1 (text)
  head[1] = 0x80 | (short ? payload.length : 126);
  if (!short) head.writeUInt16BE(payload.length, 2);
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([head, mask, masked]);
}

/** A WebSocket client on a raw socket, so a test can send half a frame. */
async function rawWebSocket(port: number): Promise<{ socket: Socket; isClosed(): boolean }> {
  const socket = connect({ port, host: '127.0.0.1' });
  let closed = false;
  let reply = '';
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));
  socket.on('data', (d: Buffer) => (reply += d.toString('latin1')));
  await nextEvent(socket, 'connect', { timeoutMs: 5000 });
  socket.write(
    [
      'GET / HTTP/1.1',
      'Host: 127.0.0.1',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Protocol: sip',
      '',
      '',
    ].join('\r\n'),
  );
  await waitFor(() => reply.includes('\r\n\r\n'), { what: 'upgrade response' });
  if (!reply.startsWith('HTTP/1.1 101')) throw new Error(`upgrade refused: ${reply}`);
  return { socket, isClosed: () => closed };
}

t.test('WS: half a frame on an established WebSocket is cut after idleTimeoutMs', async (t) => {
  const clock = new FakeClock();
  const srv = await layer(t, 'sip:127.0.0.1:0;transport=ws', clock);
  const c = await rawWebSocket(srv.port('ws'));
  t.teardown(() => c.socket.destroy());
  c.socket.write(maskedTextFrame(optionsText('WS', 'r4w.invalid', 0, 'z9hG4bK-h1')));
  await srv.nthMessage(1);
  clock.advance(IDLE_MS * 10);
  t.notOk(c.isClosed(), 'established');
  const next = maskedTextFrame(optionsText('WS', 'r4w.invalid', 0, 'z9hG4bK-h2'));
  c.socket.write(next.subarray(0, next.length >> 1));
  const took = await advanceUntilClosed(clock, () => c.isClosed(), IDLE_MS / 4);
  t.ok(took < 100 * IDLE_MS, `closed after ${took} ms of fake time (long limit is an hour)`);
  t.equal(srv.messages.length, 1);
});
