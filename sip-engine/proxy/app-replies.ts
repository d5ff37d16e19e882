/**
 * The `response` frames a `proxy` command gets (protocol spec §2.3, §2.4(a)): one
 * `OK|network|<bytes>|<proto>|<addr>|<port>|<time>|||continue` + SIP per final response received
 * from a branch (when fullResponse), then `OK|done`; or `NOK|<reason>`. Formatting is app/frames.ts's.
 */
import { nokReply, proxyContinueReply, proxyDoneReply } from '../app/frames.js';
import type { CommandReply } from '../app/types.js';
import type { InboundMessage } from '../transport/types.js';

/** A final response received from a branch, streamed to the app. */
export function continueReply(response: InboundMessage): CommandReply {
  const { source } = response;
  return proxyContinueReply(response.message.toString(), {
    protocol: source.protocol,
    address: source.address,
    port: source.port,
    at: response.receivedAt,
  });
}

export const doneReply = proxyDoneReply;
export { nokReply };

/** NOK texts the drachtio server uses for the proxy command (spec §2.4(a), sip-proxy-controller). */
export const NOK_TEXT = {
  unknownTransaction: (txnId: string): string => `Unknown transaction id: ${txnId}`,
  tooManyHops: 'Rejected with 483 Too Many Hops due to Max-Forwards value of 0',
  noDestination: 'error proxying request to ',
} as const;
