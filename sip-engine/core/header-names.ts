/**
 * Header-name normalisation for headers an app sends (spec §2.7, §5 item 14): drachtio-srf writes
 * names in any case (`cseq`, `from`, `rack`), possibly in compact form. Well-known headers get their
 * RFC spelling; anything else is emitted Capitalized-After-Dash (`x-agent-id` → `X-Agent-Id`).
 */
import { canonicalHeaderKey } from '../message/sip-message.js';

const WELL_KNOWN = [
  'Accept',
  'Accept-Contact',
  'Accept-Encoding',
  'Accept-Language',
  'Alert-Info',
  'Allow',
  'Allow-Events',
  'Authentication-Info',
  'Authorization',
  'Call-ID',
  'Call-Info',
  'Contact',
  'Content-Disposition',
  'Content-Encoding',
  'Content-Language',
  'Content-Length',
  'Content-Type',
  'CSeq',
  'Date',
  'Diversion',
  'Error-Info',
  'Event',
  'Expires',
  'From',
  'History-Info',
  'Identity',
  'In-Reply-To',
  'Max-Forwards',
  'MIME-Version',
  'Min-Expires',
  'Min-SE',
  'Organization',
  'P-Asserted-Identity',
  'P-Charging-Vector',
  'P-Preferred-Identity',
  'Path',
  'Priority',
  'Privacy',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'Proxy-Require',
  'RAck',
  'Reason',
  'Record-Route',
  'Refer-To',
  'Referred-By',
  'Reject-Contact',
  'Remote-Party-ID',
  'Replaces',
  'Reply-To',
  'Request-Disposition',
  'Require',
  'Retry-After',
  'Route',
  'RSeq',
  'Server',
  'Service-Route',
  'Session-Expires',
  'SIP-ETag',
  'SIP-If-Match',
  'Subject',
  'Subscription-State',
  'Supported',
  'Timestamp',
  'To',
  'Unsupported',
  'User-Agent',
  'Via',
  'Warning',
  'WWW-Authenticate',
];

const SPELLING = new Map<string, string>(WELL_KNOWN.map((n) => [n.toLowerCase(), n]));

/** §2.7: the wire spelling for a header name an app supplied (compact forms expanded). */
export function wireHeaderName(name: string): string {
  const key = canonicalHeaderKey(name);
  const known = SPELLING.get(key);
  if (known) return known;
  return key
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('-');
}

const TOKEN_RE = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** RFC 3261 §25.1: a header name is a token. */
export function isHeaderNameToken(name: string): boolean {
  return TOKEN_RE.test(name);
}
