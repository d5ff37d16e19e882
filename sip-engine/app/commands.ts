/**
 * Parses one app→server payload (spec §2.3) into a command. Pure: no I/O, no SIP interpretation
 * beyond what the wire protocol itself needs (a response must carry a transaction id, §2.5 case 1).
 *
 * Payload: `<msgId>|<type>[|<token>…][CRLF <raw SIP>]`. The leader ends at the first CRLF; tokens
 * are split on `|` with no escaping (§2.2). Parse-level failures become `invalid` with the reason
 * the C++ server puts after `NO` (§2.3); the caller replies `NO|<reason>` and closes (§5 item 2).
 */
import type { EngineCommand, ProxyCommand, SipCommand } from './types.js';

export type AppCommand =
  | { kind: 'authenticate'; msgId: string; secret: string; tags: string[] }
  | { kind: 'route'; msgId: string; verb: string }
  | { kind: 'remove_route'; msgId: string; verb: string }
  | { kind: 'ping'; msgId: string }
  | { kind: 'engine'; msgId: string; command: EngineCommand }
  | { kind: 'invalid'; msgId: string; reason: string };

/** Reasons the C++ server uses after `NO` (§2.3), plus ours for stricter checks. */
export const NO_REASONS = {
  format: 'Invalid message format',
  verb: 'Route request includes unsupported verb',
  removeVerb: 'Remove route request includes unsupported verb',
  txnMissing: 'transaction id missing',
  proxyShort: 'Invalid proxy request: not enough information provided',
  proxyNoDestination: 'Invalid proxy request: no destination provided',
  unknownType: 'Unknown message type',
  badTags: 'invalid tags',
  badSecret: 'incorrect secret',
  notAuthenticated: 'authentication required',
} as const;

/** §2.3: at most 20 tags, each 1–32 of `[A-Za-z0-9-_+@:]` (srf asserts the same in its constructor). */
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 32;
const TAG_RE = /^[A-Za-z0-9\-_+@:]+$/;
/** A SIP method (RFC 3261 §25.1 token) or a `cdr:<kind>` verb. */
const VERB_RE = /^[A-Za-z0-9\-.!%*_+`'~:]+$/;
/** §2.6 Proxy: the server parses timeouts as `^(\d+)(ms|s)$`. */
const TIMEOUT_RE = /^(\d+)(ms|s)$/;

/** Splits a comma list of tags; undefined when a tag breaks the §2.3 rules. */
export function parseTags(list: string): string[] | undefined {
  const tags = list.split(',').filter((t) => t.length > 0);
  if (tags.length > MAX_TAGS) return undefined;
  if (!tags.every((t) => t.length <= MAX_TAG_LENGTH && TAG_RE.test(t))) return undefined;
  return tags;
}

/** `5s` → 5000, `500ms` → 500, empty or malformed → undefined (the server ignores those). */
export function parseTimeoutMs(text: string): number | undefined {
  const m = TIMEOUT_RE.exec(text);
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  return m[2] === 's' ? n * 1000 : n;
}

/** Parses one complete payload. Never throws. */
export function parseCommand(payload: string): AppCommand {
  const crlf = payload.indexOf('\r\n');
  const leader = crlf === -1 ? payload : payload.slice(0, crlf);
  const sip = crlf === -1 ? undefined : payload.slice(crlf + 2);
  const tokens = leader.split('|');
  const msgId = tokens[0] ?? '';
  const invalid = (reason: string): AppCommand => ({ kind: 'invalid', msgId, reason });
  if (tokens.length < 2) return invalid(NO_REASONS.format);

  switch (tokens[1]) {
    case 'authenticate': {
      const tags = parseTags(tokens[3] ?? '');
      if (!tags) return invalid(NO_REASONS.badTags);
      return { kind: 'authenticate', msgId, secret: tokens[2] ?? '', tags };
    }
    case 'route':
    case 'remove_route': {
      const kind = tokens[1];
      const verb = tokens[2] ?? '';
      if (!VERB_RE.test(verb)) return invalid(kind === 'route' ? NO_REASONS.verb : NO_REASONS.removeVerb);
      return { kind, msgId, verb: verb.toLowerCase() };
    }
    case 'ping':
      return { kind: 'ping', msgId };
    case 'sip': {
      const command = parseSip(tokens, sip);
      return typeof command === 'string' ? invalid(command) : { kind: 'engine', msgId, command };
    }
    case 'proxy': {
      const command = parseProxy(tokens, sip);
      return typeof command === 'string' ? invalid(command) : { kind: 'engine', msgId, command };
    }
    default:
      return invalid(NO_REASONS.unknownType);
  }
}

/** §2.3/§2.5: `sip|<txnId>|<dialogId>[|<routeUri>]` CRLF SIP; returns a NO reason on failure. */
function parseSip(tokens: string[], sip: string | undefined): SipCommand | string {
  if (tokens.length < 4 || !sip) return NO_REASONS.format;
  const txnId = tokens[2] ?? '';
  const dialogId = tokens[3] ?? '';
  // §2.5 case 1: a response must name the transaction it answers.
  if (sip.startsWith('SIP/') && txnId === '') return NO_REASONS.txnMissing;
  const command: SipCommand = { type: 'sip', txnId, dialogId, sip };
  const routeUri = tokens[4];
  if (routeUri) command.routeUri = routeUri;
  return command;
}

/**
 * §2.3/§2.6 Proxy: `proxy|<txnId>|<remainInDialog?>|<fullResponse?>|<followRedirects?>|
 * <simultaneous|serial>|<provisionalTimeout>|<finalTimeout>|<dest1>[|<dest2>…]` CRLF SIP.
 * Flags are literal words or empty strings.
 */
function parseProxy(tokens: string[], sip: string | undefined): ProxyCommand | string {
  if (tokens.length < 10) return NO_REASONS.proxyShort;
  if (!sip) return NO_REASONS.format;
  const destinations = tokens.slice(9).filter((d) => d.length > 0);
  if (destinations.length === 0) return NO_REASONS.proxyNoDestination;
  const command: ProxyCommand = {
    type: 'proxy',
    txnId: tokens[2] ?? '',
    remainInDialog: tokens[3] === 'remainInDialog',
    fullResponse: tokens[4] === 'fullResponse',
    followRedirects: tokens[5] === 'followRedirects',
    simultaneous: tokens[6] === 'simultaneous',
    destinations,
    sip,
  };
  const provisional = parseTimeoutMs(tokens[7] ?? '');
  if (provisional !== undefined) command.provisionalTimeoutMs = provisional;
  const final = parseTimeoutMs(tokens[8] ?? '');
  if (final !== undefined) command.finalTimeoutMs = final;
  return command;
}
