/**
 * The srf side of queue presence (thin): a SubscribeRoute that claims SUBSCRIBEs to the presence
 * URIs of queues and services (and those inside their subscriptions' dialogs), answers them as
 * queue-subscribe-decision.ts decides, and starts the subscription once the 200 is out — its
 * NOTIFYs travel in the dialog the 200 created (RFC 6665 §4.2.1.2).
 */
import type { Srf, SrfRequest, SrfResponse } from '../../../infra/drachtio/srf-connection.js';
import { getTag, parseNameAddr, splitHeaderList } from '../../../sip-engine/message/headers.js';
import type { PresenceLogger } from '../../server/ports.js';
import { notifyEventHeader, subscriptionKey } from '../../server/policy/subscribe-request.js';
import type { IncomingRequest } from '../../server/sip/sip-reply.js';
import { answerSubscribe } from '../../server/sip/answer-subscribe.js';
import { incomingRequest } from '../../server/sip/srf-io.js';
import type { SentResponse } from '../../server/sip/srf-io.js';
import type { NotifyChannelFactory } from '../../server/sip/srf-notify-channel.js';
import type { SubscribeRoute } from '../../server/sip/subscribe-dispatch.js';
import type { AcceptedSubscription, StoredDialog } from '../policy/stored-subscription.js';
import { decideQueueSubscribe, requestUser, subscriptionKeyOf } from './queue-subscribe-decision.js';
import type { QueueAcceptPlan, QueueSubscribeDeps } from './queue-subscribe-decision.js';

export interface QueueSubscribeRouteDeps extends QueueSubscribeDeps {
  /** NOTIFY channels over the srf a SUBSCRIBE arrived on (srfNotifyChannels in production). */
  readonly channels: (srf: Srf) => NotifyChannelFactory;
  readonly log: PresenceLogger;
  /** Hears every subscription started, with its dialog (to store it: stored subscriptions). */
  readonly onAccepted?: (a: AcceptedSubscription) => void;
}

const uriOf = (nameAddr: string): string => parseNameAddr(nameAddr).uri;

/** RFC 3261 §12.1.1: the UAS's dialog state from the SUBSCRIBE and the 200 it sent. */
function dialogOf(req: SrfRequest, sent: SentResponse, event: string, callId: string): StoredDialog {
  const header = (name: string): string | undefined => (req.has(name) ? req.get(name) : undefined);
  return {
    event,
    callId,
    local: sent.to,
    remote: header('From') ?? '',
    ...(sent.contact !== undefined ? { localContact: sent.contact } : {}),
    remoteTarget: uriOf(header('Contact') ?? ''),
    routeSet: splitHeaderList(header('Record-Route') ?? '').map(uriOf),
  };
}

function start(
  deps: QueueSubscribeRouteDeps,
  channels: NotifyChannelFactory,
  plan: QueueAcceptPlan,
  sent: SentResponse,
  req: SrfRequest,
): void {
  const localTag = getTag(sent.to);
  if (localTag === undefined || sent.dialogId === '') {
    deps.log.warn({ callId: plan.callId }, '200 to SUBSCRIBE created no dialog; no subscription');
    return;
  }
  const key = subscriptionKey({
    callId: plan.callId,
    remoteTag: plan.remoteTag,
    localTag,
    eventType: 'presence',
    eventId: plan.eventId,
  });
  const event = notifyEventHeader('presence', plan.eventId);
  deps.presence.notifier.accept({
    key,
    resource: plan.resource,
    variant: plan.variant,
    watcher: plan.watcher,
    expiresS: plan.expiresS,
    plan: plan.plan,
    blocked: plan.blocked,
    channel: channels({ dialogId: sent.dialogId, event, contact: sent.contact, request: req }),
  });
  if (deps.onAccepted === undefined || plan.expiresS === 0) return; // a fetch ends at once
  try {
    const dialog = dialogOf(req, sent, event, plan.callId);
    deps.onAccepted({ key, resource: plan.resource, watcher: plan.watcher, expiresS: plan.expiresS, dialog });
  } catch (err) {
    deps.log.warn({ err, callId: plan.callId }, 'subscription dialog not storable');
  }
}

function handle(
  deps: QueueSubscribeRouteDeps,
  channels: NotifyChannelFactory,
  req: SrfRequest,
  res: SrfResponse,
): void {
  const request = incomingRequest(req);
  answerSubscribe(request, res, decideQueueSubscribe(deps, request), {
    log: deps.log,
    start: (plan, sent) => start(deps, channels, plan, sent, req),
  });
}

/** Initial SUBSCRIBEs to a resource's URI, and in-dialog ones of its subscriptions. */
export function claimsQueueSubscribe(deps: QueueSubscribeDeps, request: IncomingRequest): boolean {
  const key = subscriptionKeyOf(request);
  if (key !== undefined) {
    const id = /;\s*id=([^;\s]+)/i.exec(request.header('event') ?? '')?.[1];
    return deps.presence.notifier.get(key(id)) !== undefined;
  }
  const user = requestUser(request.uri, deps.presence.domain);
  return user !== undefined && deps.presence.resourceForUser(user) !== undefined;
}

export function queueSubscribeRoute(deps: QueueSubscribeRouteDeps): SubscribeRoute {
  const perSrf = new WeakMap<Srf, NotifyChannelFactory>();
  const channelsOf = (srf: Srf): NotifyChannelFactory => {
    let f = perSrf.get(srf);
    if (f === undefined) perSrf.set(srf, (f = deps.channels(srf)));
    return f;
  };
  return {
    claims: (request) => claimsQueueSubscribe(deps, request),
    handle: (srf, req, res) => handle(deps, channelsOf(srf), req, res),
  };
}
