/**
 * Glue between a `ws` WebSocket and a Connection (RFC 7118): every WebSocket message is one SIP
 * message, text or binary (§5.1). SIP.js-style CRLFCRLF keepalives sent as a message get a CRLF
 * pong (RFC 5626 §3.5.1 applied to WebSocket, as SIP.js and drachtio expect).
 */
import { isUtf8 } from 'node:buffer';
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

/** Wires `ws` to `conn`. Outbound sockets mark the connection open on the `open` event. */
export function attachWebSocket(ws: WebSocket, conn: Connection, deps: CarrierDeps, outbound: boolean): void {
  let lastError: Error | undefined;
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
    conn.touch();
    if (isKeepalive(raw)) {
      if (raw.length >= 4) {
        deps.stats.keepalivesAnswered += 1;
        ws.send('\r\n');
      }
      return;
    }
    deps.onMessage(raw, conn);
  });
  ws.on('ping', () => conn.touch());
  ws.on('error', (err: Error & { code?: string }) => {
    lastError = err;
    // `maxPayload` exceeded: ws closes the socket with 1009 itself.
    if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') deps.stats.droppedOversize += 1;
  });
  ws.on('close', () => conn.carrierGone(lastError));
  if (outbound) ws.once('open', () => conn.opened());
}
