/**
 * Helpers for tests of sip-engine/transport on real loopback sockets: a started TransportLayer that
 * records its events, SIP request/response text builders, and a raw TCP client that records what it
 * receives. Everything returned has a close/stop to call in t.teardown.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { parseContacts } from '../sip-engine/transport/contacts.js';
import { TransportLayer } from '../sip-engine/transport/transport-layer.js';
import type { TransportLogger } from '../sip-engine/transport/logger.js';
import type { TransportTlsOptions } from '../sip-engine/transport/transport-layer.js';
import type { InboundMessage, MalformedInput, TransportLimits } from '../sip-engine/transport/types.js';
import { systemClock } from '../sip-engine/util/clock.js';
import type { Clock } from '../sip-engine/util/clock.js';
import { waitFor } from './wait.js';

export const TEST_LIMITS: TransportLimits = {
  maxMessageBytes: 65535,
  maxConnections: 100,
  idleTimeoutMs: 30_000,
  perSourceRequestsPerSecond: 0,
};

export interface LayerUnderTest {
  layer: TransportLayer;
  messages: InboundMessage[];
  malformed: MalformedInput[];
  closed: string[];
  /** The bound port of the first endpoint of that protocol. */
  port(protocol: string): number;
  /** Waits until `n` messages have arrived and returns the n-th (1-based). */
  nthMessage(n: number, what?: string): Promise<InboundMessage>;
}

export async function startLayer(
  contacts: string[],
  opts: {
    limits?: Partial<TransportLimits>;
    tls?: TransportTlsOptions;
    clock?: Clock;
    logger?: TransportLogger;
  } = {},
): Promise<LayerUnderTest> {
  const layer = new TransportLayer({
    endpoints: contacts.flatMap((c) => parseContacts(c)),
    limits: { ...TEST_LIMITS, ...opts.limits },
    clock: opts.clock ?? systemClock,
    ...(opts.tls ? { tls: opts.tls } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const messages: InboundMessage[] = [];
  const malformed: MalformedInput[] = [];
  const closed: string[] = [];
  layer.on('message', (m) => messages.push(m));
  layer.on('malformed', (m) => malformed.push(m));
  layer.on('connectionClosed', (id) => closed.push(id));
  await layer.start();
  return {
    layer,
    messages,
    malformed,
    closed,
    port(protocol) {
      const e = layer.endpoints.find((x) => x.protocol === protocol);
      if (!e) throw new Error(`no ${protocol} endpoint`);
      return e.port;
    },
    nthMessage: (n, what) =>
      waitFor(() => messages[n - 1], { timeoutMs: 5000, what: what ?? `message #${n}` }),
  };
}

/** An OPTIONS request as sent by a UA at host:port over `transport` (Via transport token). */
export function optionsText(
  transport: string,
  host: string,
  port: number,
  branch = 'z9hG4bK-opt-1',
  body = '',
): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return [
    `OPTIONS sip:ping@${h} SIP/2.0`,
    `Via: SIP/2.0/${transport} ${h}:${port};branch=${branch}`,
    'Max-Forwards: 70',
    `From: <sip:ua@${h}>;tag=abc`,
    `To: <sip:ping@${h}>`,
    `Call-ID: ${branch}@test`,
    'CSeq: 1 OPTIONS',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** A 200 OK for a request: same Via/From/To/Call-ID/CSeq (RFC 3261 §8.2.6.2), To-tag added. */
export function okFor(request: InboundMessage): Buffer {
  const m = request.message;
  const lines = ['SIP/2.0 200 OK'];
  for (const v of m.getAll('via')) lines.push(`Via: ${v}`);
  lines.push(
    `From: ${m.get('from') ?? ''}`,
    `To: ${m.get('to') ?? ''};tag=srv`,
    `Call-ID: ${m.get('call-id') ?? ''}`,
  );
  lines.push(`CSeq: ${m.get('cseq') ?? ''}`, 'Content-Length: 0', '', '');
  return Buffer.from(lines.join('\r\n'));
}

export interface RawTcpClient {
  socket: Socket;
  /** Everything received so far, as latin1 text. */
  text(): string;
  isClosed(): boolean;
  close(): void;
}

/** A plain TCP client that records what it receives. */
export async function rawTcpClient(port: number, host = '127.0.0.1'): Promise<RawTcpClient> {
  const socket = connect({ port, host });
  let received = '';
  let closed = false;
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    text: () => received,
    isClosed: () => closed,
    close: () => socket.destroy(),
  };
}
