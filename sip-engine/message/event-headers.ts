/**
 * Codecs for the header values of session timers and event subscriptions: Session-Expires
 * (RFC 4028 §4), Subscription-State and Event (RFC 6665 §8.2.1, §8.2.3, grammar §8.4).
 * Re-exported by headers.ts; failures are SipParseError 'bad-header'.
 */
import { isToken, parseUnsigned, trimLws, unquote } from './chars.js';
import { SipParseError } from './errors.js';
import { parseParams } from './params.js';
import type { EventHeader, SessionExpires, SubscriptionState } from './types.js';

function bad(what: string, value: string): SipParseError {
  return new SipParseError('bad-header', `bad ${what}: ${value.slice(0, 200)}`, { header: what });
}

/** Splits "head;params" where head is the part before the first ";". */
function headAndParams(value: string, what: string): [string, Map<string, string | null>] {
  const s = trimLws(value);
  const semi = s.indexOf(';');
  const head = trimLws(semi < 0 ? s : s.slice(0, semi));
  try {
    return [head, parseParams(semi < 0 ? '' : s.slice(semi))];
  } catch (cause) {
    throw new SipParseError('bad-header', `bad ${what}: ${value.slice(0, 200)}`, { header: what, cause });
  }
}

function optionalSeconds(
  params: Map<string, string | null>,
  key: string,
  what: string,
  value: string,
): number | undefined {
  const raw = params.get(key);
  if (raw === undefined) return undefined;
  const n = parseUnsigned(raw === null ? '' : unquote(raw), 10);
  if (n === undefined) throw bad(what, value);
  return n;
}

/** Session-Expires = delta-seconds *( SEMI se-params ), refresher = "uas" / "uac" (RFC 4028 §4). */
export function parseSessionExpires(value: string): SessionExpires {
  const [head, params] = headAndParams(value, 'Session-Expires');
  const deltaSeconds = parseUnsigned(head, 10);
  if (deltaSeconds === undefined) throw bad('Session-Expires', value);
  const se: SessionExpires = { deltaSeconds, params };
  const r = params.get('refresher');
  if (r !== undefined) {
    const refresher = (r ?? '').toLowerCase();
    if (refresher !== 'uac' && refresher !== 'uas') throw bad('Session-Expires', value);
    se.refresher = refresher;
  }
  return se;
}

/** Subscription-State = substate-value *( SEMI subexp-params ) (RFC 6665 §8.2.3, grammar §8.4). */
export function parseSubscriptionState(value: string): SubscriptionState {
  const [head, params] = headAndParams(value, 'Subscription-State');
  if (!isToken(head)) throw bad('Subscription-State', value);
  const st: SubscriptionState = { state: head.toLowerCase(), params };
  const expires = optionalSeconds(params, 'expires', 'Subscription-State', value);
  if (expires !== undefined) st.expires = expires;
  const retryAfter = optionalSeconds(params, 'retry-after', 'Subscription-State', value);
  if (retryAfter !== undefined) st.retryAfter = retryAfter;
  const reason = params.get('reason');
  if (reason) st.reason = reason.toLowerCase();
  return st;
}

/** Event = event-type *( SEMI event-param ), event-type = package *( "." template ) (RFC 6665 §8.4). */
export function parseEvent(value: string): EventHeader {
  const [head, params] = headAndParams(value, 'Event');
  const parts = head.split('.');
  if (!isToken(head) || parts.some((p) => p.length === 0)) throw bad('Event', value);
  const ev: EventHeader = { eventType: head, package: parts[0] ?? head, templates: parts.slice(1), params };
  const id = params.get('id');
  if (id) ev.id = id;
  return ev;
}
