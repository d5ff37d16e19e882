/**
 * Glue between a TCP or TLS socket and a Connection: frames input with StreamFramer (RFC 3261
 * §18.3), answers CRLFCRLF pings with a CRLF pong (RFC 5626 §3.5.1), tells the connection about
 * complete and partially received messages (its idle policy), and closes it on oversize or garbage.
 */
import type { Socket } from 'node:net';
import type { Connection } from './connection.js';
import { StreamFramer } from './stream-framer.js';
import type { FrameEvent } from './stream-framer.js';
import type { TransportStats } from './types.js';

export interface CarrierDeps {
  maxMessageBytes: number;
  stats: TransportStats;
  /** One complete message (not yet parsed); true if it parsed and was handed up as SIP. */
  onMessage(raw: Buffer, conn: Connection): boolean;
}

const PONG = Buffer.from('\r\n');

function handleFrame(event: FrameEvent, socket: Socket, conn: Connection, deps: CarrierDeps): void {
  switch (event.kind) {
    case 'message':
      conn.messageReceived(deps.onMessage(event.data, conn));
      return;
    case 'ping':
      // RFC 5626 §3.5.1: answer a double-CRLF ping with a single CRLF pong.
      conn.touch();
      deps.stats.keepalivesAnswered += 1;
      socket.write(PONG);
      return;
    case 'oversize':
      deps.stats.droppedOversize += 1;
      conn.close('oversize');
      return;
    case 'garbage':
      deps.stats.connectionsClosedGarbage += 1;
      conn.close('garbage');
      return;
  }
}

/** Wires `socket` to `conn`. For outbound sockets, `openEvent` marks the connection open. */
export function attachSocket(
  socket: Socket,
  conn: Connection,
  deps: CarrierDeps,
  openEvent?: 'connect' | 'secureConnect',
): void {
  const framer = new StreamFramer(deps.maxMessageBytes);
  let lastError: Error | undefined;
  socket.setNoDelay(true);
  conn.attach({
    write: (data, done) => socket.write(data, (err) => done(err ?? undefined)),
    get backlogBytes() {
      return socket.writableLength;
    },
    close: () => socket.destroy(),
  });
  socket.on('data', (chunk: Buffer) => {
    if (conn.state !== 'open') return;
    for (const event of framer.push(chunk)) {
      handleFrame(event, socket, conn, deps);
      if (conn.state !== 'open') return;
    }
    conn.receiving(framer.midMessage);
  });
  socket.on('error', (err) => {
    lastError = err;
  });
  socket.on('close', () => conn.carrierGone(lastError));
  if (openEvent) socket.once(openEvent, () => conn.opened());
}
