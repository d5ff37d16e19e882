/**
 * Slow and half-open stream connections are closed by the engine's idle timer (`idleTimeoutMs`,
 * transport/types.ts: "close a stream connection that sent no complete message for this long"),
 * over TCP and WebSocket (RFC 7118), while a connection that keeps sending complete messages stays.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import t from 'tap';
import { WebSocket } from 'ws';
import { EngineProcess } from '../test-support/engine-process.js';
import { hostileEngineConfig } from '../test-support/hostile-world.js';
import { freePort } from '../test-support/ports.js';
import { sipText } from '../test-support/sip-fixtures.js';
import { nextEvent, waitFor } from '../test-support/wait.js';

const IDLE_MS = 1000;
/** A connection must be gone by this long after its last complete message (timer + slack on a busy box). */
const CLOSE_DEADLINE_MS = IDLE_MS * 4;

let engine: EngineProcess;

t.before(async () => {
  const wsPort = await freePort();
  engine = await EngineProcess.spawn(
    await hostileEngineConfig([`sip:127.0.0.1:${wsPort};transport=ws`], IDLE_MS),
  );
});
t.teardown(() => engine.stop());

async function openTcp(port: number): Promise<{ socket: Socket; closed: Promise<number> }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await nextEvent(socket, 'connect', { timeoutMs: 5000 });
  const opened = Date.now();
  const closed = nextEvent(socket, 'close', { timeoutMs: CLOSE_DEADLINE_MS }).then(() => Date.now() - opened);
  return { socket, closed };
}

function options(i: number): string {
  return sipText([
    'OPTIONS sip:127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-idle-${i}`,
    'Max-Forwards: 70',
    'From: <sip:keep@127.0.0.1>;tag=k',
    'To: <sip:127.0.0.1>',
    `Call-ID: idle-keep-${i}`,
    `CSeq: ${i} OPTIONS`,
  ]);
}

t.test('a half-open TCP connection that sends nothing is closed by the idle timer', async (t) => {
  const before = (await engine.stats()).transport.connectionsClosedIdle;
  const { closed } = await openTcp(engine.port('tcp'));
  const after = await closed;
  t.ok(after >= IDLE_MS * 0.8, `not closed before the idle timeout (${after} ms)`);
  await waitFor(async () => (await engine.stats()).transport.connectionsClosedIdle > before, {
    timeoutMs: 2000,
  });
});

t.test('a slow TCP sender that never completes a message is closed (slowloris)', async (t) => {
  const { socket, closed } = await openTcp(engine.port('tcp'));
  socket.write('OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-slow\r\n');
  let n = 0;
  const drip = setInterval(() => {
    if (n++ < 80 && !socket.destroyed) socket.write('X');
  }, 100);
  t.teardown(() => clearInterval(drip));
  const after = await closed;
  t.ok(n >= 5, `it had dripped ${n} bytes, one per 100 ms, when closed after ${after} ms`);
  t.ok(after >= IDLE_MS * 0.8, 'closed by the idle timer, not at once');
});

t.test(
  'a TCP connection that keeps sending complete messages stays open past the idle timeout',
  async (t) => {
    const { socket, closed } = await openTcp(engine.port('tcp'));
    closed.catch(() => undefined);
    let i = 0;
    socket.write(options(++i));
    await waitFor(
      () => {
        if (socket.destroyed) return true;
        socket.write(options(++i));
        return i >= 8;
      },
      { timeoutMs: 5000, intervalMs: 300 },
    );
    t.notOk(socket.destroyed, `still open after ${i} messages over ~${(i - 1) * 300} ms`);
    socket.destroy();
  },
);

t.test('an idle WebSocket (subprotocol sip) is closed by the idle timer', async (t) => {
  const ws = new WebSocket(`ws://127.0.0.1:${engine.port('ws')}`, 'sip');
  ws.on('error', () => undefined);
  await nextEvent(ws, 'open', { timeoutMs: 5000 });
  const opened = Date.now();
  await nextEvent(ws, 'close', { timeoutMs: CLOSE_DEADLINE_MS });
  t.ok(Date.now() - opened >= IDLE_MS * 0.8, 'closed by the timer, not at once');
});

t.test('a half-finished HTTP upgrade on the WebSocket port is closed', async (t) => {
  const { socket, closed } = await openTcp(engine.port('ws'));
  socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
  const after = await closed;
  t.ok(after < CLOSE_DEADLINE_MS, `closed after ${after} ms`);
});
