/**
 * Transaction-stateful forwarding of a single request the proxy does not fork (in-dialog requests
 * of record-routed calls, PRACKs): one client transaction downstream, every response relayed to
 * the server transaction upstream with our Via popped (RFC 3261 §16.7 step 3). Being stateful
 * (RFC 3261 §16.2 allows it) lets the transaction layer absorb retransmissions on both sides.
 */
import type { SipMessage } from '../message/sip-message.js';
import type { ServerTransaction, TransactionLayerApi } from '../transaction/types.js';
import type { LocalEndpoint, RemoteTarget } from '../transport/types.js';
import { newBranch } from '../util/ids.js';
import type { ProxyLogger } from './branch.js';
import { buildLocalResponse } from './request-builder.js';
import { ourVia, popTopVia } from './via.js';

export interface RelayDeps {
  transactions: TransactionLayerApi;
  logger: ProxyLogger | undefined;
  userAgent: string;
}

/** Sends `request` (already prepared: routes, Max-Forwards) to `target` and relays what comes back. */
export function relayThrough(
  request: SipMessage,
  target: RemoteTarget,
  local: LocalEndpoint,
  txn: ServerTransaction,
  deps: RelayDeps,
): void {
  const respond = (res: SipMessage): void => {
    txn.respond(res).catch((err: unknown) => deps.logger?.warn('proxy: relayed response not sent', err));
  };
  const localFinal = (status: number): void => {
    if (txn.state === 'trying' || txn.state === 'proceeding') {
      respond(buildLocalResponse(txn.request.message, status, undefined, deps.userAgent));
    }
  };
  request.prepend('Via', ourVia(local, newBranch())); // RFC 3261 §16.6 step 8
  try {
    deps.transactions.sendRequest(request, target, {
      onResponse: (inbound) => {
        if (inbound.message.status === 100) return; // our own transaction layer handles 100 upstream
        const out = inbound.message.clone();
        popTopVia(out);
        respond(out);
      },
      onTimeout: () => localFinal(408), // RFC 3261 §16.7 step 6
      onTransportError: () => localFinal(500), // RFC 3261 §16.9: as a 503, which goes up as 500
    });
  } catch (err) {
    deps.logger?.warn('proxy: request not relayed', err);
    localFinal(500);
  }
}
