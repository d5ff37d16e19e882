/**
 * RFC 3261 §8.1.3.1: a client transaction that times out (timer B/F) is reported as a 408, a
 * transport failure as a 503 (spec §3.4, sofia's NTATAG_PASS_408). The engine builds that response
 * from the request and runs it through the normal response path, so the app sees a `network` 408.
 */
import type { InboundMessage } from '../transport/types.js';
import type { CoreContext } from './context.js';
import { buildResponse } from './responses.js';
import type { UacLeg } from './uac-leg.js';
import { onUacResponse } from './uac-responses.js';
import { newLocalTag } from './ids.js';

export function onUacFailure(ctx: CoreContext, leg: UacLeg, status: 408 | 503, error?: Error): void {
  if (leg.final) return;
  if (error) ctx.logger.info({ err: error, txnId: leg.txnId }, 'request could not be sent');
  const res = buildResponse(leg.request, status, { toTag: newLocalTag() });
  const ep = ctx.transport.selectEndpoint({ protocol: leg.target.protocol, address: leg.target.address });
  if (!ep) return;
  const inbound: InboundMessage = {
    message: res,
    source: leg.target,
    local: ep,
    receivedAt: ctx.clock.wallNow(),
    bytes: res.toBuffer().length,
  };
  onUacResponse(ctx, leg, inbound);
}
