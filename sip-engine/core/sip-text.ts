/**
 * SIP text of a message for the app protocol (spec §2.4: frames carry raw SIP text), built as a
 * string directly instead of serialising to bytes and decoding them again. Same layout as
 * SipMessage.toBuffer: start line, headers in order, Content-Length always equal to the body's
 * byte count (RFC 3261 §20.14), blank line, body.
 */
import { canonicalHeaderKey } from '../message/sip-message.js';
import type { SipMessage } from '../message/sip-message.js';

export function sipText(msg: SipMessage): string {
  const sl = msg.startLine;
  let out =
    sl.kind === 'request' ? `${sl.method} ${sl.uri} SIP/2.0\r\n` : `SIP/2.0 ${sl.status} ${sl.reason}\r\n`;
  const length = msg.body.length;
  let wroteLength = false;
  for (const h of msg.headers) {
    const c = h.name.charCodeAt(0) | 0x20;
    // Only names starting with c/l can be Content-Length (long or compact form).
    if ((c === 99 || c === 108) && canonicalHeaderKey(h.name) === 'content-length') {
      if (wroteLength) continue;
      out += `${h.name}: ${length}\r\n`;
      wroteLength = true;
    } else out += `${h.name}: ${h.value}\r\n`;
  }
  if (!wroteLength) out += `Content-Length: ${length}\r\n`;
  out += '\r\n';
  return length ? out + msg.body.toString('utf8') : out;
}
