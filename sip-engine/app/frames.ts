/**
 * Pure formatters for server→app frames of the drachtio application protocol (spec §2.4). They
 * build payload strings (frame them with `encodeFrame`) and the token lists the core puts into a
 * `CommandReply` or a `SipFrame`. Token positions are the ones drachtio-srf 5.0.29 reads:
 *
 *  - `response` (§2.4(a)): srf passes `token.slice(3)` (status first) to the command's callback
 *    and builds meta from whole-leader indices 4 source · 5 bytes · 6 protocol · 7 address ·
 *    8 port · 9 time · 10 transactionId · 11 dialogId (or `Msg sent:`) · 12 `continue`.
 *  - `sip` (§2.4(b)): indices 2 source · 3 bytes · 4 protocol · 5 address · 6 port · 7 time ·
 *    8 transactionId · 9 dialogId · 10–11 receivedOn; srf ignores a frame of 9 tokens or fewer.
 *
 * Tokens are split on `|` without escaping (§2.2), so a token holding `|`, CR or LF is refused
 * with a FrameFormatError: it is always a bug in the caller.
 */
import { randomUUID } from 'node:crypto';
import type { SipProtocol } from '../message/types.js';
import type { CdrKind, CommandReply, SipFrame } from './types.js';

export const CRLF = '\r\n';

/** A token or id would break the `|`-split leader. */
export class FrameFormatError extends Error {
  override readonly name = 'FrameFormatError';
  readonly code = 'bad-token';
}

/** §2.2: message ids are opaque; ours are UUID v4 like srf's. */
export function newMsgId(): string {
  return randomUUID();
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** §2.4(b): `time` is `HH:MM:SS.uuuuuu`, the UTC time of day (microseconds from ms). */
export function formatStackTime(at: Date): string {
  const micros = at.getUTCMilliseconds() * 1000;
  return `${pad(at.getUTCHours(), 2)}:${pad(at.getUTCMinutes(), 2)}:${pad(at.getUTCSeconds(), 2)}.${pad(micros, 6)}`;
}

/** §2.4(b): the protocol token is `udp`, `tcp` or `tls`; WS and WSS transports report `tcp`. */
export function wireProtocol(protocol: SipProtocol): 'udp' | 'tcp' | 'tls' {
  if (protocol === 'ws' || protocol === 'wss') return 'tcp';
  return protocol;
}

function checkTokens(tokens: readonly string[]): void {
  for (const token of tokens) {
    if (/[|\r\n]/.test(token))
      throw new FrameFormatError(`token ${JSON.stringify(token)} holds '|' or CR/LF`);
  }
}

/** Where a SIP message went or came from, and when (one "hop" of meta tokens). */
export interface WireHop {
  protocol: SipProtocol;
  address: string;
  port: number;
  at: Date;
}

/** `<bytes>|<protocol>|<address>|<port>|<time>`, bytes being the SIP text's UTF-8 size. */
function hopTokens(sip: string, hop: WireHop): string[] {
  return [
    String(Buffer.byteLength(sip, 'utf8')),
    wireProtocol(hop.protocol),
    hop.address,
    String(hop.port),
    formatStackTime(hop.at),
  ];
}

// ---------------------------------------------------------------------------------------------
// Whole payloads

/** §2.4(a): `<id>|response|<rid>|<OK|NO|NOK>[|<tokens…>][CRLF <sip>]`. */
export function responseFrame(
  msgId: string,
  rid: string,
  status: CommandReply['status'],
  tokens: readonly string[],
  sip?: string,
): string {
  const leader = [msgId, 'response', rid, status, ...tokens];
  checkTokens(leader);
  return sip === undefined ? leader.join('|') : `${leader.join('|')}${CRLF}${sip}`;
}

/**
 * §2.4(b): `<id>|sip|<tokens…>|CRLF<sip>`; the leader always ends with `|` as the C++ server's
 * does. `frame.tokens` start at the source and end at dialogId (or recvPort), no trailing empty.
 */
export function sipFrame(msgId: string, frame: SipFrame): string {
  if (frame.tokens.length < 8) throw new FrameFormatError('a sip frame needs source … dialogId (8 tokens)');
  const leader = [msgId, 'sip', ...frame.tokens];
  checkTokens(leader);
  return `${leader.join('|')}|${CRLF}${frame.sip}`;
}

/** §2.4(c): `<id>|cdr:<kind>|<source>|<time>[|<role or reason>]` CRLF SIP. */
export function cdrFrame(msgId: string, kind: CdrKind, tokens: readonly string[], sip: string): string {
  const leader = [msgId, kind, ...tokens];
  checkTokens(leader);
  return `${leader.join('|')}${CRLF}${sip}`;
}

// ---------------------------------------------------------------------------------------------
// `sip` frames (server → app SIP messages), §2.4(b)

/** §2.4(b): a new out-of-dialog request: `network|…|txnId||recvAddr|recvPort|` (srf: receivedOn). */
export function networkRequestFrame(
  sip: string,
  meta: WireHop & { txnId: string; receivedOn?: { address: string; port: number } },
): SipFrame {
  const tokens = ['network', ...hopTokens(sip, meta), meta.txnId, ''];
  if (meta.receivedOn) tokens.push(meta.receivedOn.address, String(meta.receivedOn.port));
  return { tokens, sip };
}

/** §2.4(b): an in-dialog request, or a response to the app's request: `network|…|txnId|dialogId|`. */
export function networkMessageFrame(
  sip: string,
  meta: WireHop & { txnId: string; dialogId: string },
): SipFrame {
  return { tokens: ['network', ...hopTokens(sip, meta), meta.txnId, meta.dialogId], sip };
}

/** §2.4(b), §5 item 10: a BYE the server sent on its own: `application|…|unsolicited|dialogId|`. */
export function unsolicitedRequestFrame(sip: string, meta: WireHop & { dialogId: string }): SipFrame {
  return { tokens: ['application', ...hopTokens(sip, meta), 'unsolicited', meta.dialogId], sip };
}

// ---------------------------------------------------------------------------------------------
// `response` data (tokens after the status), §2.4(a)

/** §2.4(a): authenticate OK data `<public hostports>|<version>|<local hostports>`. */
export function authenticateTokens(identity: {
  publicHostports: string;
  version: string;
  localHostports: string;
}): string[] {
  return [identity.publicHostports, identity.version, identity.localHostports];
}

/** §2.4(a), §5 item 4: echo of a request the app sent: `application|…|txnId|Msg sent:|`. */
export function requestEchoTokens(sip: string, meta: WireHop & { txnId: string }): string[] {
  return ['application', ...hopTokens(sip, meta), meta.txnId, 'Msg sent:', ''];
}

/** §2.4(a), §5 item 4: echo of a response the app sent: `application|…|txnId|dialogId||Msg sent:|`. */
export function responseEchoTokens(
  sip: string,
  meta: WireHop & { txnId: string; dialogId: string },
): string[] {
  return ['application', ...hopTokens(sip, meta), meta.txnId, meta.dialogId, '', 'Msg sent:', ''];
}

/** §2.4(a), §2.6 Proxy: one final response of a branch: `network|…|||continue` (rid kept by srf). */
export function proxyContinueTokens(sip: string, hop: WireHop): string[] {
  return ['network', ...hopTokens(sip, hop), '', '', 'continue'];
}

/** §2.4(c): `<source>|<time>[|<role or reason>]`. */
export function cdrTokens(source: 'network' | 'application', at: Date, roleOrReason?: string): string[] {
  const tokens = [source, formatStackTime(at)];
  if (roleOrReason !== undefined) tokens.push(roleOrReason);
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Ready-made replies for CommandResponder.reply

export const requestEchoReply = (sip: string, meta: WireHop & { txnId: string }): CommandReply => ({
  status: 'OK',
  tokens: requestEchoTokens(sip, meta),
  sip,
});

export const responseEchoReply = (
  sip: string,
  meta: WireHop & { txnId: string; dialogId: string },
): CommandReply => ({
  status: 'OK',
  tokens: responseEchoTokens(sip, meta),
  sip,
});

export const proxyContinueReply = (sip: string, hop: WireHop): CommandReply => ({
  status: 'OK',
  tokens: proxyContinueTokens(sip, hop),
  sip,
});

/** §2.3: `OK|done` ends a proxy command. */
export const proxyDoneReply = (): CommandReply => ({ status: 'OK', tokens: ['done'] });

/** §2.3: API-level failure; `NOK` never closes the connection. `|` and CR/LF in the text become spaces. */
export const nokReply = (reason: string): CommandReply => ({
  status: 'NOK',
  tokens: [reason.replace(/[|\r\n]/g, ' ')],
});
