/**
 * Glue between a `ws` WebSocket and a Connection (RFC 7118): every WebSocket message is one SIP
 * message, text or binary (§5.1). SIP.js-style CRLFCRLF keepalives sent as a message get a CRLF
 * pong (RFC 5626 §3.5.1 applied to WebSocket, as SIP.js and drachtio expect).
 *
 * For the connection's idle policy the raw socket under the WebSocket is watched too: a chunk that
 * completes no WebSocket event (message, ping, pong) means a message is partially received, so the
 * short deadline applies to it (slow senders on an established WebSocket).
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { Connection } from './connection.js';
import type { CarrierDeps } from './socket-carrier.js';

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function isKeepalive(raw: Buffer): boolean {
  if (raw.length === 0 || raw.length > 8) return false;
  for (const byte of raw) if (byte !== 0x0d && byte !== 0x0a) return false;
  return true;
}

/**
 * After each chunk on `socket`, once `ws` has parsed it (a microtask later, whatever the listener
 * order), tells `conn` whether the input stopped inside a frame: no complete event since the last check.
 */
function watchInput(socket: Duplex, conn: Connection, completeEvents: () => number): void {
  let seen = completeEvents();
  socket.on('data', () => {
    queueMicrotask(() => {
      const now = completeEvents();
      if (conn.isUsable) conn.receiving(now === seen);
      seen = now;
    });
  });
}

/**
 * Wires `ws` to `conn`. Inbound: `socket` is the upgraded socket under `ws`. Outbound (`socket`
 * undefined): the connection is marked open on the `open` event, the socket comes with `upgrade`.
 */
export function attachWebSocket(
  ws: WebSocket,
  conn: Connection,
  deps: CarrierDeps,
  socket: Duplex | undefined,
): void {
  let lastError: Error | undefined;
  let completeEvents = 0;
  const alive = (): void => {
    completeEvents += 1;
    conn.touch();
  };
  conn.attach({
    // RFC 7118 §5.1: text frames must be UTF-8; anything else goes as a binary frame.
    write: (data, done) => ws.send(data, { binary: !isUtf8(data) }, (err) => done(err ?? undefined)),
    get backlogBytes() {
      return ws.bufferedAmount;
    },
    close: (abort) => (abort ? ws.terminate() : ws.close(1000)),
  });
  ws.on('message', (data: RawData) => {
    if (conn.state !== 'open') return;
    const raw = toBuffer(data);
    alive();
    if (isKeepalive(raw)) {
      if (raw.length >= 4) {
        deps.stats.keepalivesAnswered += 1;
        ws.send('\r\n');
      }
      return;
    }
    conn.messageReceived(deps.onMessage(raw, conn));
  });
  ws.on('ping', alive);
  ws.on('pong', alive);
  ws.on('error', (err: Error & { code?: string }) => {
    lastError = err;
    // `maxPayload` exceeded: ws closes the socket with 1009 itself.
    if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') deps.stats.droppedOversize += 1;
  });
  ws.on('close', () => conn.carrierGone(lastError));
  if (socket) {
    watchInput(socket, conn, () => completeEvents);
    return;
  }
  ws.once('upgrade', (res: IncomingMessage) => watchInput(res.socket, conn, () => completeEvents));
  ws.once('open', () => conn.opened());
}
