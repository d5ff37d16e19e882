/**
 * One SUBSCRIBE handler per srf, several kinds of presentity: drachtio-srf takes one `subscribe`
 * handler, so resources served by other parts of patchbay (contact-center presence for customers,
 * presence/queue-presence) register a route; a route that claims a request (by its Request-URI, or
 * by the subscription its dialog belongs to) gets it, everything else goes to the fallback (the
 * agents' presence server, or `notServedHandler`).
 */
import type { Srf, SrfRequest, SrfResponse } from '../../../infra/drachtio/srf-connection.js';
import { replies } from './sip-reply.js';
import type { IncomingRequest } from './sip-reply.js';
import { incomingRequest, sendReply } from './srf-io.js';

export type SubscribeHandler = (req: SrfRequest, res: SrfResponse) => void;

export interface SubscribeRoute {
  /** True when this route serves the request. Must be cheap and must not throw. */
  claims(request: IncomingRequest): boolean;
  /** Answers a claimed request that arrived on `srf` (whose NOTIFYs must leave through it). */
  handle(srf: Srf, req: SrfRequest, res: SrfResponse): void;
}

/** The one `srf.subscribe` handler of `srf`: the first route claiming a request gets it. */
export function dispatchSubscribe(
  srf: Srf,
  routes: () => readonly SubscribeRoute[],
  fallback: SubscribeHandler,
): SubscribeHandler {
  return (req, res) => {
    const request = incomingRequest(req);
    const route = routes().find((r) => r.claims(request));
    if (route) route.handle(srf, req, res);
    else fallback(req, res);
  };
}

/**
 * For an srf without a presence server: RFC 3261 §8.2.2.1 404 for an initial SUBSCRIBE,
 * §12.2.2 481 for one inside an unknown dialog.
 */
export const notServedHandler: SubscribeHandler = (req, res) => {
  const request = incomingRequest(req);
  const inDialog = /;\s*tag=/i.test(request.header('to') ?? '');
  sendReply(res, inDialog ? replies.noSuchSubscription() : replies.notFound());
};
