/**
 * What the engine does with the headers an app puts on a `sip` command (drachtio `makeTags`,
 * spec §2.7):
 * - lines whose name is not a token, or whose value holds CR/LF, are silently dropped;
 * - immutable headers (Via, Route, RSeq, Record-Route, Content-Length) are ignored; for CANCEL
 *   (`makeSafeTags`) also From, To, Contact and P-Asserted-Identity;
 * - names are re-spelt (header-names.ts);
 * - `@localhost` in From, To, Contact and P-Asserted-Identity becomes the engine's address;
 * - headers the core places itself (From, To, Call-ID, CSeq, Contact, Max-Forwards, Content-Type)
 *   are returned apart so the caller can honour or default them.
 */
import { canonicalHeaderKey } from '../message/sip-message.js';
import type { SipHeader } from '../message/types.js';
import { NokReason } from './errors.js';
import { isHeaderNameToken, wireHeaderName } from './header-names.js';

export type AppMessageKind = 'request' | 'response' | 'cancel';

const IMMUTABLE = new Set(['via', 'route', 'rseq', 'record-route', 'content-length']);
const IMMUTABLE_FOR_CANCEL = new Set(['from', 'to', 'contact', 'p-asserted-identity']);
const LOCALHOST_REWRITTEN = new Set(['from', 'to', 'contact', 'p-asserted-identity']);

export interface SortedAppHeaders {
  from?: string;
  to?: string;
  callId?: string;
  cseq?: string;
  maxForwards?: string;
  contentType?: string;
  /** Every Contact line the app gave (usually one). */
  contact: string[];
  /** Everything else, in order, with wire spellings. */
  others: SipHeader[];
}

const LOCALHOST_RE = /@localhost(?::\d+)?(?=[>;?\s]|$)/gi;

/** §2.7: `@localhost` (with any port) becomes `@<hostport>` of the transport in use. */
export function rewriteLocalhost(value: string, hostport: string): string {
  if (!value.toLowerCase().includes('@localhost')) return value;
  return value.replace(LOCALHOST_RE, `@${hostport}`);
}

function placeSpecial(out: SortedAppHeaders, key: string, value: string): boolean {
  switch (key) {
    case 'from':
      out.from = value;
      return true;
    case 'to':
      out.to = value;
      return true;
    case 'call-id':
      out.callId = value;
      return true;
    case 'cseq':
      out.cseq = value;
      return true;
    case 'max-forwards':
      out.maxForwards = value;
      return true;
    case 'content-type':
      out.contentType = value;
      return true;
    case 'contact':
      out.contact.push(value);
      return true;
    default:
      return false;
  }
}

/** Applies the §2.7 filters to the app's header lines; `hostport` replaces `localhost`. */
export function sortAppHeaders(
  headers: readonly SipHeader[],
  kind: AppMessageKind,
  hostport: string,
): SortedAppHeaders {
  const out: SortedAppHeaders = { contact: [], others: [] };
  for (const h of headers) {
    if (!isHeaderNameToken(h.name) || /[\r\n]/.test(h.value)) continue;
    const key = canonicalHeaderKey(h.name);
    if (IMMUTABLE.has(key)) continue;
    if (kind === 'cancel' && IMMUTABLE_FOR_CANCEL.has(key)) continue;
    const value = LOCALHOST_REWRITTEN.has(key) ? rewriteLocalhost(h.value.trim(), hostport) : h.value.trim();
    if (placeSpecial(out, key, value)) continue;
    out.others.push({ name: wireHeaderName(h.name), value });
  }
  return out;
}

/**
 * §2.7: a body without Content-Type gets `application/sdp` when it starts with `v=0`; otherwise a
 * request is refused (`missing content-type`) and a response is sent without one.
 */
export function detectContentType(
  body: Buffer,
  given: string | undefined,
  kind: AppMessageKind,
): { ok: true; contentType: string | undefined } | { ok: false; reason: string } {
  if (given !== undefined || body.length === 0) return { ok: true, contentType: given };
  if (body.subarray(0, 3).toString('latin1') === 'v=0') return { ok: true, contentType: 'application/sdp' };
  if (kind === 'response') return { ok: true, contentType: undefined };
  return { ok: false, reason: NokReason.missingContentType };
}

/** True when a header value (a comma list of option tags) contains `tag`, e.g. 100rel in Require. */
export function hasOptionTag(values: readonly string[], tag: string): boolean {
  const want = tag.toLowerCase();
  for (const v of values) {
    for (const part of v.split(',')) if (part.trim().toLowerCase() === want) return true;
  }
  return false;
}
