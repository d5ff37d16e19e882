/**
 * CONTRACT (shared by every engine module): the SIP message model.
 * Implemented in message/sip-message.ts (class SipMessage) and message/parser.ts.
 *
 * Rules:
 * - Header names are matched case-insensitively and compact forms (RFC 3261 §7.3.3: i, m, e, l, c, f,
 *   s, k, t, v, o, u, r, b, x, y? etc.) are expanded for lookup; the wire name is kept for raw output.
 * - Header values are kept as raw strings; structured parsers (Via, name-addr, CSeq, URI) are separate
 *   pure functions in message/headers.ts and message/uri.ts.
 * - The body is kept as a Buffer (bytes); Content-Length always counts bytes.
 */
export interface SipHeader {
  /** Name as it appeared on the wire (or as set by the engine). */
  name: string;
  value: string;
}

export type SipProtocol = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

export interface SipUri {
  scheme: 'sip' | 'sips' | 'tel';
  user?: string;
  password?: string;
  /** Host without brackets for IPv6 (brackets are added by formatUri). */
  host: string;
  port?: number;
  /** URI parameters in order; value null for a flag parameter such as `;lr`. Keys lower-cased. */
  params: Map<string, string | null>;
  /** `?a=b` headers of the URI, raw. */
  headers: Map<string, string>;
}

export interface NameAddr {
  displayName?: string;
  /** The URI text exactly as written (without <>). */
  uri: string;
  /** Header parameters after the URI (e.g. tag). Keys lower-cased; null for flags. */
  params: Map<string, string | null>;
}

export interface ViaHeader {
  /** "SIP/2.0/UDP" transport token, upper-cased, e.g. "UDP", "TCP", "TLS", "WS", "WSS". */
  transport: string;
  host: string;
  port?: number;
  params: Map<string, string | null>;
}

export interface CSeq {
  seq: number;
  method: string;
}

export interface SipRequestLine {
  kind: 'request';
  method: string;
  uri: string;
}
export interface SipStatusLine {
  kind: 'response';
  status: number;
  reason: string;
}

/** Limits applied by message/parser.ts parseMessage (each has a default; see parser.ts DEFAULT_PARSE_LIMITS). */
export interface ParseLimits {
  /** Largest accepted message in bytes (default 65535, the largest UDP payload; RFC 3261 §18.1.1). */
  maxBytes: number;
  /** Most header lines (after unfolding) in one message (default 256). */
  maxHeaders: number;
  /** Longest single header line after unfolding, in characters (default 8192). */
  maxHeaderLineBytes: number;
  /** Most Via values (counting comma-separated ones) in one message (default 64). */
  maxViaCount: number;
}

/** RAck header (RFC 3262 §7.2). */
export interface RAck {
  /** The RSeq of the reliable provisional response being acknowledged. */
  rseq: number;
  /** The CSeq number of the request the response belonged to. */
  seq: number;
  method: string;
}

/** Session-Expires header (RFC 4028 §4). */
export interface SessionExpires {
  deltaSeconds: number;
  refresher?: 'uac' | 'uas';
  /** Every parameter (keys lower-cased; null for flags), refresher included. */
  params: Map<string, string | null>;
}

/** Subscription-State header (RFC 6665 §8.2.3, grammar §8.4). */
export interface SubscriptionState {
  /** "active" | "pending" | "terminated" or an extension value, lower-cased. */
  state: string;
  expires?: number;
  /** Lower-cased reason (e.g. "timeout", "noresource", "rejected"). */
  reason?: string;
  retryAfter?: number;
  params: Map<string, string | null>;
}

/** Event header (RFC 6665 §8.2.1, grammar §8.4). */
export interface EventHeader {
  /** The whole event-type as written, e.g. "presence" or "presence.winfo". */
  eventType: string;
  /** The package part (before the first "."). */
  package: string;
  /** Template parts after the package ("winfo" in "presence.winfo"). */
  templates: string[];
  id?: string;
  params: Map<string, string | null>;
}
