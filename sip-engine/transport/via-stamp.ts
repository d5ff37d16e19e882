/**
 * Stamps the source of an inbound request into its top Via.
 *
 * RFC 3261 §18.2.1 adds `received` when the sent-by host differs from the source address and RFC 3581
 * §4 fills `rport` when the client asked for it; drachtio (sofia `NTATAG_SERVER_RPORT(2)`) adds both
 * ALWAYS, and so do we, so responses can be routed back through NATs.
 */
import { formatVia, parseVia, splitHeaderList } from '../message/headers.js';
import { canonicalHeaderKey } from '../message/sip-message.js';
import type { SipMessage } from '../message/sip-message.js';

/** Mutates the first Via value; returns a reason string when there is no usable Via (message unchanged). */
export function stampReceived(message: SipMessage, address: string, port: number): string | undefined {
  const header = message.headers.find((h) => canonicalHeaderKey(h.name) === 'via');
  if (!header) return 'no Via header';
  const parts = splitHeaderList(header.value);
  const first = parts[0];
  if (first === undefined) return 'empty Via header';
  let via;
  try {
    via = parseVia(first)[0];
  } catch (e) {
    return e instanceof Error ? e.message : 'bad Via';
  }
  if (!via) return 'empty Via header';
  // RFC 3261 §18.2.1 / RFC 3581 §4: the address and port the request actually came from.
  via.params.set('received', address);
  via.params.set('rport', String(port));
  header.value = [formatVia(via), ...parts.slice(1)].join(', ');
  return undefined;
}
