/**
 * The app's headers in a `proxy` command (the SIP text after the start line), applied to every
 * branch with the drachtio header rules (protocol spec §2.7):
 * - lines without ':' or with a non-token name are dropped silently;
 * - Via, Route, RSeq, Record-Route and Content-Length are immutable and ignored;
 * - names are normalised (compact forms expanded, well-known spellings, else Capitalized-After-Dash);
 * - `@localhost` in From, To, Contact and P-Asserted-Identity becomes the outgoing transport's address.
 */
import type { SipHeader } from '../message/types.js';
import { canonicalHeaderKey, type SipMessage } from '../message/sip-message.js';

const IMMUTABLE: ReadonlySet<string> = new Set(['via', 'route', 'rseq', 'record-route', 'content-length']);
const LOCALHOST_REWRITTEN: ReadonlySet<string> = new Set(['from', 'to', 'contact', 'p-asserted-identity']);

/** Spellings that plain dash-capitalisation gets wrong. */
const SPECIAL_NAMES: Readonly<Record<string, string>> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
  rack: 'RAck',
  rseq: 'RSeq',
  'sip-etag': 'SIP-ETag',
  'sip-if-match': 'SIP-If-Match',
  'content-id': 'Content-ID',
  'p-asserted-identity': 'P-Asserted-Identity',
};

/** RFC 3261 §25.1 token characters. */
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** Canonical wire spelling of a header name (`x-agent-id` → `X-Agent-Id`, `i` → `Call-ID`). */
export function formatHeaderName(name: string): string {
  const key = canonicalHeaderKey(name);
  const special = SPECIAL_NAMES[key];
  if (special) return special;
  return key
    .split('-')
    .map((part) => (part.length ? (part[0] ?? '').toUpperCase() + part.slice(1) : part))
    .join('-');
}

/** The headers the app asked for, from the raw SIP text of the command (start line skipped). */
export function parseAppHeaders(sipText: string): SipHeader[] {
  const lines = sipText.split(/\r?\n/);
  const out: SipHeader[] = [];
  for (const line of lines.slice(1)) {
    if (line.length === 0) break; // the end of the header section; a body is not used by proxy
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    if (!TOKEN.test(name)) continue;
    if (IMMUTABLE.has(canonicalHeaderKey(name))) continue;
    out.push({ name: formatHeaderName(name), value: line.slice(colon + 1).trim() });
  }
  return out;
}

/** `@localhost[:port]` → `@<hostport>` (spec §2.7). */
export function rewriteLocalhost(value: string, hostport: string): string {
  return value.replace(/@localhost(:\d+)?(?=[>;?\s]|$)/gi, `@${hostport}`);
}

/**
 * Sets the app's headers on a branch request: each name the app gave replaces every existing line
 * of that name (several lines of one name are all kept, in order).
 */
export function applyAppHeaders(
  message: SipMessage,
  headers: readonly SipHeader[],
  localHostport: string,
): void {
  const replaced = new Set<string>();
  for (const h of headers) {
    const key = canonicalHeaderKey(h.name);
    if (!replaced.has(key)) {
      message.remove(h.name);
      replaced.add(key);
    }
    const value = LOCALHOST_REWRITTEN.has(key) ? rewriteLocalhost(h.value, localHostport) : h.value;
    message.append(h.name, value);
  }
}
