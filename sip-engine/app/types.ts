/**
 * CONTRACT: the drachtio application protocol server (spec: ../shared/docs/drachtio-protocol.md §2),
 * implemented in app/app-server.ts as class AppServer, with framing in app/framing.ts and
 * frame formatting helpers in app/frames.ts.
 *
 * The AppServer owns: the admin listener (TCP, optional TLS), byte-length framing, authenticate
 * (NO + close on a bad secret), tags, route/remove_route (the remove-all quirk), round-robin choice
 * among apps registered for a verb, ping → OK|pong, parse-level NO replies (and close), and CDR
 * delivery. It hands `sip` and `proxy` commands to the engine core through the handler below and
 * never interprets SIP itself.
 */

export interface AppConnection {
  /** Opaque unique id. */
  readonly id: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly tags: readonly string[];
  readonly authenticated: boolean;
  /** Still connected. */
  readonly open: boolean;
}

export interface SipCommand {
  type: 'sip';
  txnId: string;
  dialogId: string;
  /** Outbound proxy URI (4th token), when present. */
  routeUri?: string;
  /** Raw SIP text after the first CRLF. */
  sip: string;
}

export interface ProxyCommand {
  type: 'proxy';
  txnId: string;
  remainInDialog: boolean;
  fullResponse: boolean;
  followRedirects: boolean;
  simultaneous: boolean;
  /** Parsed from `^(\d+)(ms|s)$`, undefined when empty. */
  provisionalTimeoutMs?: number;
  finalTimeoutMs?: number;
  destinations: string[];
  sip: string;
}

export type EngineCommand = SipCommand | ProxyCommand;

/** What the core answers to a command: one or more `response` frames. */
export interface CommandReply {
  status: 'OK' | 'NO' | 'NOK';
  /** Tokens after the status, joined with `|` (never containing `|` or CR/LF). */
  tokens: string[];
  /** Raw SIP appended after CRLF, if any. */
  sip?: string;
}

/** Sink the core uses to answer one command; may be called several times (proxy `continue`). */
export interface CommandResponder {
  reply(reply: CommandReply): void;
}

export interface EngineCommandHandler {
  handleCommand(conn: AppConnection, command: EngineCommand, responder: CommandResponder): void;
  connectionClosed(conn: AppConnection): void;
}

/** A server→app `sip` frame: tokens after `sip|`, and the raw SIP. */
export interface SipFrame {
  /** e.g. ['network', bytes, 'udp', addr, port, time, txnId, dialogId, recvAddr?, recvPort?] */
  tokens: string[];
  sip: string;
}

export type CdrKind = 'cdr:attempt' | 'cdr:start' | 'cdr:stop';

export interface AppServerApi {
  readonly port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  setHandler(handler: EngineCommandHandler): void;
  /** Round-robin choice among authenticated open apps that did `route|<verb>` (verb lower-cased). */
  pickAppFor(verb: string): AppConnection | undefined;
  /** Sends a `sip` frame to one app; returns false if the connection is gone. */
  sendSip(conn: AppConnection, frame: SipFrame): boolean;
  /** Sends a CDR to one app (round robin) that routed that CDR kind; no-op if none. */
  sendCdr(kind: CdrKind, tokens: string[], sip: string): void;
  /** The `OK|<public>|<version>|<local>` data for authenticate, computed from the engine's endpoints. */
  setIdentity(identity: { publicHostports: string; version: string; localHostports: string }): void;
}
