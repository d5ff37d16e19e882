/**
 * Reads the SIP text an app puts after a `sip` or `proxy` command (spec §2.3, §2.5). It is not a
 * network message: a new request from srf carries only the start line and the headers the app
 * chose (no Via, Call-ID or CSeq), so the network parser's mandatory-header checks do not apply.
 * Header lines are `name: value` ending in CRLF; bad lines are kept here and filtered by
 * header-rules.ts (§2.7).
 * The body is everything after the first empty line (srf recomputes Content-Length itself).
 */
import { SipMessage } from '../message/sip-message.js';
import type { SipHeader } from '../message/types.js';
import { fail, ok } from './errors.js';
import type { Outcome } from './errors.js';

function parseStart(line: string): SipMessage | undefined {
  if (line.startsWith('SIP/')) {
    const m = /^SIP\/2\.0 (\d{3})(?: (.*))?$/i.exec(line);
    if (!m) return undefined;
    return SipMessage.response(Number(m[1]), m[2] ?? '');
  }
  const m = /^([A-Za-z]+) (\S+) SIP\/2\.0$/i.exec(line);
  if (!m?.[1] || !m[2]) return undefined;
  return SipMessage.request(m[1].toUpperCase(), m[2]);
}

function parseHeaders(lines: readonly string[]): SipHeader[] {
  const headers: SipHeader[] = [];
  for (const line of lines) {
    if (!line) continue;
    const last = headers[headers.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      // RFC 3261 §7.3.1: folded continuation line.
      last.value = `${last.value} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    // §2.7: a line with no ':' is dropped; a non-token name is dropped later by header-rules.
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

/** Parses app SIP text into a SipMessage (start line, raw header lines, body bytes). */
export function parseAppSip(text: string): Outcome<SipMessage> {
  // Lines end with CRLF only: a bare CR or LF stays inside its line, whose value header-rules then
  // drops (§2.7), so an app value can never smuggle an extra header line onto the wire.
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd < 0 ? text : text.slice(0, headEnd);
  const body = headEnd < 0 ? '' : text.slice(headEnd + 4);
  const lines = head.split('\r\n');
  const first = lines[0] ?? '';
  if (/[\r\n]/.test(first)) return fail('Invalid message format');
  const msg = parseStart(first.trim());
  if (!msg) return fail('Invalid message format');
  msg.headers = parseHeaders(lines.slice(1));
  if (body) msg.body = Buffer.from(body, 'utf8');
  return ok(msg);
}
