/**
 * Responses the engine sends on its own (spec §3.7): 100, 400, 422, 480, 481, 482, 487, 491, 500,
 * 503. They go through the request's server transaction, which retransmits finals on UDP and
 * absorbs the ACK (RFC 3261 §17.2.1).
 */
import type { SipHeader } from '../message/types.js';
import type { ServerTransaction } from '../transaction/types.js';
import type { CoreContext } from './context.js';
import { buildResponse } from './responses.js';
import { newLocalTag } from './ids.js';

export function respondFromEngine(
  ctx: CoreContext,
  txn: ServerTransaction,
  status: number,
  opts: { toTag?: string; headers?: readonly SipHeader[]; reason?: string } = {},
): void {
  // RFC 3261 §8.2.6.2: a response other than 100 carries a To tag when the request had none.
  const build: { toTag?: string; reason?: string } = {};
  if (status !== 100) build.toTag = opts.toTag ?? newLocalTag();
  if (opts.reason !== undefined) build.reason = opts.reason;
  const res = buildResponse(txn.request.message, status, build);
  for (const h of opts.headers ?? []) res.append(h.name, h.value);
  ctx.metrics.response('out', status);
  // A bound function rather than a closure per response (spec: no per-message closures).
  txn.respond(res).catch(notSent.bind(undefined, ctx, status));
}

function notSent(ctx: CoreContext, status: number, err: unknown): void {
  ctx.logger.debug({ err, status }, 'engine response not sent');
}
