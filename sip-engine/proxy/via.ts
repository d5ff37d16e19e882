/**
 * Via stack helpers for a proxy (RFC 3261 §16.6 step 8, §16.7 step 3): push ours on requests, read
 * and pop the topmost via-parm of responses (one Via line may hold several, comma-separated).
 */
import { formatVia, parseVia, splitHeaderList } from '../message/headers.js';
import { canonicalHeaderKey, type SipMessage } from '../message/sip-message.js';
import type { ViaHeader } from '../message/types.js';
import type { LocalEndpoint } from '../transport/types.js';
import { advertisedHost } from './target.js';

/** Our Via for a request we forward: sent-by of the sending endpoint, the branch, and `;rport` (RFC 3581 §3). */
export function ourVia(local: LocalEndpoint, branch: string): string {
  const via: ViaHeader = {
    transport: local.protocol.toUpperCase(),
    host: advertisedHost(local),
    port: local.port,
    params: new Map<string, string | null>([
      ['branch', branch],
      ['rport', null],
    ]),
  };
  return formatVia(via);
}

/** Number of via-parms in the message (all lines, comma-separated values counted). */
export function viaCount(message: SipMessage): number {
  let n = 0;
  for (const line of message.getAll('via')) n += splitHeaderList(line).length;
  return n;
}

/** The topmost via-parm, or undefined when absent or unparseable. */
export function topVia(message: SipMessage): ViaHeader | undefined {
  const first = message.get('via');
  if (first === undefined) return undefined;
  try {
    return parseVia(first)[0];
  } catch {
    return undefined;
  }
}

/** Removes the topmost via-parm (RFC 3261 §16.7 step 3), keeping the rest of its line if it held several. */
export function popTopVia(message: SipMessage): void {
  const idx = message.headers.findIndex((h) => canonicalHeaderKey(h.name) === 'via');
  const line = message.headers[idx];
  if (!line) return;
  const rest = splitHeaderList(line.value).slice(1);
  if (rest.length === 0) message.headers.splice(idx, 1);
  else line.value = rest.join(', ');
}
