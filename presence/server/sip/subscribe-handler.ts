/**
 * The srf SUBSCRIBE handler (thin): decide (subscribe-decision.ts), answer, and for an accepted
 * subscription create it once the 200 is out — the NOTIFY must follow the 200 in the dialog the
 * 200 created (RFC 6665 §4.2.1.2).
 */
import type { SrfRequest, SrfResponse } from '../../../infra/drachtio/srf-connection.js';
import { getTag } from '../../../sip-engine/message/headers.js';
import type { PresenceLogger } from '../ports.js';
import { notifyEventHeader, subscriptionKey } from '../policy/subscribe-request.js';
import { decideSubscribe } from './subscribe-decision.js';
import type { AcceptPlan, SubscribeDeps } from './subscribe-decision.js';
import { answerSubscribe } from './answer-subscribe.js';
import { incomingRequest } from './srf-io.js';
import type { SentResponse } from './srf-io.js';
import type { NotifyChannelFactory } from './srf-notify-channel.js';

export interface SubscribeHandlerDeps extends SubscribeDeps {
  readonly channels: NotifyChannelFactory;
  readonly log: PresenceLogger;
}

function start(deps: SubscribeHandlerDeps, plan: AcceptPlan, sent: SentResponse, req: SrfRequest): void {
  const localTag = getTag(sent.to);
  if (localTag === undefined || sent.dialogId === '') {
    deps.log.warn({ callId: plan.callId }, '200 to SUBSCRIBE created no dialog; no subscription');
    return;
  }
  const eventType = plan.eventPackage;
  deps.subscriptions.accept({
    key: subscriptionKey({
      callId: plan.callId,
      remoteTag: plan.remoteTag,
      localTag,
      eventType,
      eventId: plan.eventId,
    }),
    presentity: plan.presentity,
    watcher: plan.watcher,
    eventPackage: plan.eventPackage,
    expiresS: plan.expiresS,
    channel: deps.channels({
      dialogId: sent.dialogId,
      event: notifyEventHeader(eventType, plan.eventId),
      contact: sent.contact,
      request: req,
    }),
  });
}

export function createSubscribeHandler(deps: SubscribeHandlerDeps) {
  return (req: SrfRequest, res: SrfResponse): void => {
    const request = incomingRequest(req);
    answerSubscribe(request, res, decideSubscribe(deps, request), {
      log: deps.log,
      start: (plan, sent) => start(deps, plan, sent, req),
    });
  };
}
