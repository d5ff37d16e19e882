/**
 * Targets from a 3xx response (RFC 3261 §16.5 "Determining Request Targets", §21.3): its Contact
 * URIs, highest q-value first (§16.6: targets are tried by decreasing q; equal q keeps the order).
 */
import { parseNameAddr, splitHeaderList } from '../message/headers.js';
import type { SipMessage } from '../message/sip-message.js';
import { parseUri } from '../message/uri.js';
import type { ProxyTarget } from './proxy-transaction.js';

/** `total` counts every Contact entry, usable or not (to know whether all were recursed on). */
export function redirectTargets(response: SipMessage): { targets: ProxyTarget[]; total: number } {
  const entries = response.getAll('contact').flatMap((v) => splitHeaderList(v));
  const found: { target: ProxyTarget; q: number }[] = [];
  for (const entry of entries) {
    try {
      const na = parseNameAddr(entry);
      if (na.uri === '*') continue;
      const uri = parseUri(na.uri);
      const qText = na.params.get('q');
      const q = qText ? Number.parseFloat(qText) : 1;
      found.push({ target: { text: na.uri, uri }, q: Number.isFinite(q) ? q : 1 });
    } catch {
      // an unusable Contact is not a target (RFC 3261 §16.5)
    }
  }
  found.sort((a, b) => b.q - a.q);
  return { targets: found.map((f) => f.target), total: entries.length };
}
