/**
 * CONTRACT: the transport layer (implemented in transport/transport-layer.ts as class TransportLayer).
 *
 * - Listens on every configured contact (UDP, TCP, TLS, WS, WSS; IPv4 and IPv6).
 * - Frames stream input (Content-Length, RFC 3261 §18.3), answers CRLF keepalives (RFC 5626 §3.5.1),
 *   enforces limits (message size, connections, idle/half-open timeouts, per-source request rate;
 *   connections that delivered a SIP message get the longer established idle limit).
 * - On every inbound REQUEST adds `received` and `rport` to the top Via (RFC 3581 §4, always, as
 *   drachtio does) before handing it up.
 * - Never interprets SIP beyond framing + the top Via; everything else is the core's job.
 */
import type { SipMessage } from '../message/sip-message.js';
import type { SipProtocol } from '../message/types.js';

/** One local listening point, as configured (`sip:127.0.0.1:5060;transport=udp`). */
export interface LocalEndpoint {
  protocol: SipProtocol;
  /** The bound address (e.g. 127.0.0.1, ::1, 0.0.0.0). */
  address: string;
  port: number;
  /** Public address to advertise in Via/Contact/Record-Route if configured (external-ip). */
  externalAddress?: string;
}

/** Where a message came from / goes to. */
export interface RemoteTarget {
  protocol: SipProtocol;
  address: string;
  port: number;
  /** For stream transports: the connection it arrived on / should reuse when still open. */
  connectionId?: string;
}

export interface InboundMessage {
  message: SipMessage;
  source: RemoteTarget;
  local: LocalEndpoint;
  receivedAt: Date;
  /** Size in bytes as received. */
  bytes: number;
}

/** Bytes that could not be parsed. `partial` carries whatever the parser could salvage (for a 400). */
export interface MalformedInput {
  source: RemoteTarget;
  local: LocalEndpoint;
  raw: Buffer;
  reason: string;
  partial?: SipMessage;
}

export interface SendResult {
  /** The local endpoint used. */
  local: LocalEndpoint;
  /** The actual destination (connection id filled in for streams). */
  target: RemoteTarget;
  bytes: number;
}

export interface TransportLimits {
  /** Largest accepted message in bytes (default 65535). */
  maxMessageBytes: number;
  /** Max simultaneous stream connections (default 10000). */
  maxConnections: number;
  /**
   * Close a stream connection that has not yet delivered a complete SIP message and has been silent
   * for this long; also the time a partially received message has to be finished (default 60000).
   */
  idleTimeoutMs: number;
  /**
   * Close a stream connection that has delivered at least one complete SIP message once it has been
   * silent (no message, keepalive or send) for this long (default 3600000 = 1 h; never below
   * idleTimeoutMs). Keeps registered WebSocket/TCP clients that send no keepalives.
   */
  establishedIdleTimeoutMs?: number;
  /** Requests per second allowed per source IP before dropping (default 2000; 0 = off). */
  perSourceRequestsPerSecond: number;
}

export interface TransportEvents {
  message(m: InboundMessage): void;
  malformed(m: MalformedInput): void;
  /** A stream connection closed (used to forget cached connections). */
  connectionClosed(connectionId: string): void;
}

export interface TransportLayerApi {
  readonly endpoints: readonly LocalEndpoint[];
  start(): Promise<void>;
  stop(): Promise<void>;
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void;
  /**
   * Sends a serialized message. For streams, reuses `target.connectionId` if still open, else an open
   * connection to address:port, else connects (TCP/TLS/WS client). Rejects with TransportError.
   */
  send(data: Buffer, target: RemoteTarget): Promise<SendResult>;
  /** The endpoint that would be used to reach `target` (for Via/Contact before sending). */
  selectEndpoint(target: Pick<RemoteTarget, 'protocol' | 'address'>): LocalEndpoint | undefined;
  /** True if host:port is one of our own listening addresses. */
  isLocal(host: string, port: number | undefined): boolean;
}

/** Stable codes of `TransportError` (transport/errors.ts). */
export type TransportErrorCode = 'no-transport' | 'connect-failed' | 'closed' | 'too-large';

/** Counters since start (plain numbers; the engine exports them to Prometheus). */
export interface TransportStats {
  /** Messages parsed and handed up (requests + responses). */
  messagesReceived: number;
  bytesReceived: number;
  messagesSent: number;
  bytesSent: number;
  /** Input that could not be parsed (datagrams, framed stream messages, WS messages). */
  malformed: number;
  /** Requests dropped by the per-source rate limit. */
  droppedRateLimited: number;
  /** Datagrams / stream messages / WS messages over maxMessageBytes. */
  droppedOversize: number;
  /** Sends that failed (rejected with TransportError). */
  sendFailures: number;
  /** CRLFCRLF keepalive pings answered with a CRLF pong (RFC 5626 §3.5.1). */
  keepalivesAnswered: number;
  /** Stream connections (TCP, TLS, WS, WSS; inbound + outbound) open right now. */
  connectionsOpen: number;
  /** Stream connections ever accepted or established. */
  connectionsTotal: number;
  /** Inbound connections refused because of maxConnections. */
  connectionsRefused: number;
  /** Stream connections closed for sending garbage (unframeable input). */
  connectionsClosedGarbage: number;
  /** Stream connections closed by the idle timer. */
  connectionsClosedIdle: number;
}
