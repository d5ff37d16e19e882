/**
 * What to answer a SUBSCRIBE (RFC 6665 §4.2.1, RFC 3856 §6.6, RFC 4235 §3), without srf:
 * - initial (no To tag): Event (400/489) → authentication (401/403) → presentity (404) → Accept
 *   (406) → Expires (423) → capacity (503) → 200 with the chosen Expires; the subscription itself
 *   is created once the 200 is out (its dialog id and our tag are known then).
 * - in a dialog (To tag): the subscription of that dialog and Event (481 if none) → Expires: 0
 *   ends it, anything else refreshes it (423 if too brief); 200 first, then the NOTIFY.
 */
import { getTag } from '../../../sip-engine/message/headers.js';
import type { PresenceServerConfig } from '../config.js';
import type { SubscriptionServer } from '../model/subscription-server.js';
import type { Authenticator, PresentityDirectory } from '../ports.js';
import { EVENT_PACKAGES, isEventPackage, parseEventSpec } from '../policy/event-package.js';
import type { EventPackage } from '../policy/event-package.js';
import { chooseExpires } from '../policy/expires.js';
import { presentityOf } from '../policy/presentity.js';
import { acceptsFormat, NOTIFY_CONTENT_TYPE, subscriptionKey } from '../policy/subscribe-request.js';
import { authenticateRequest } from './authenticate.js';
import { replies } from './sip-reply.js';
import type { IncomingRequest, SipReply } from './sip-reply.js';
import type { SubscribeAnswer } from './answer-subscribe.js';

export interface SubscribeDeps {
  readonly config: PresenceServerConfig;
  readonly subscriptions: SubscriptionServer;
  readonly directory: PresentityDirectory;
  readonly authenticator: Authenticator;
}

/** Everything needed to create the subscription once the 200 has gone out. */
export interface AcceptPlan {
  readonly presentity: string;
  readonly watcher: string;
  readonly eventPackage: EventPackage;
  readonly eventId: string | undefined;
  readonly expiresS: number;
  readonly callId: string;
  /** The subscriber's tag (From). */
  readonly remoteTag: string;
}

export type SubscribeDecision = SubscribeAnswer<AcceptPlan>;

const reject = (reply: SipReply): SubscribeDecision => ({ kind: 'reject', reply });

/** RFC 6665 §8.2.1: exactly one Event; RFC 6665 §4.2.1.1: 489 for a package not served. */
function eventOf(req: IncomingRequest): { pkg: EventPackage; id: string | undefined } | SipReply {
  const spec = parseEventSpec(req.header('event'));
  if (spec === undefined) return replies.badRequest('missing or malformed Event');
  if (!isEventPackage(spec.eventType)) return replies.badEvent(EVENT_PACKAGES);
  return { pkg: spec.eventType, id: spec.id };
}

async function initial(deps: SubscribeDeps, req: IncomingRequest, callId: string, remoteTag: string) {
  const event = eventOf(req);
  if ('status' in event) return reject(event);
  const auth = await authenticateRequest(deps.authenticator, req, deps.config.domains);
  if (!auth.ok) return reject(auth.reply);
  const presentity = presentityOf(req.uri, deps.config.domains);
  if (presentity === undefined || !(await deps.directory.isPresentity(presentity)))
    return reject(replies.notFound());
  const format = NOTIFY_CONTENT_TYPE[event.pkg];
  if (!acceptsFormat(req.header('accept'), format)) return reject(replies.notAcceptable(format));
  const expires = chooseExpires(req.header('expires'), deps.config.subscription);
  if (!expires.ok) {
    return reject(
      expires.kind === 'too-brief'
        ? replies.intervalTooBrief(expires.minExpiresS)
        : replies.badRequest('bad Expires'),
    );
  }
  if (deps.subscriptions.countFor(presentity) >= deps.config.subscription.maxPerPresentity) {
    return reject(replies.unavailable(60));
  }
  const plan: AcceptPlan = {
    presentity,
    watcher: auth.aor,
    eventPackage: event.pkg,
    eventId: event.id,
    expiresS: expires.expiresS,
    callId,
    remoteTag,
  };
  // RFC 6665 §4.2.1.1 / §8.3.1: 200 (202 is deprecated), with the Expires chosen.
  return { kind: 'accept', reply: replies.ok({ Expires: String(expires.expiresS) }), plan } as const;
}

function inDialog(deps: SubscribeDeps, req: IncomingRequest, key: (pkg: string, id?: string) => string) {
  const event = eventOf(req);
  if ('status' in event) return reject(event);
  const k = key(event.pkg, event.id);
  const sub = deps.subscriptions.get(k);
  if (sub?.state !== 'active') return reject(replies.noSuchSubscription());
  const expires = chooseExpires(req.header('expires'), deps.config.subscription);
  if (!expires.ok) {
    return reject(
      expires.kind === 'too-brief'
        ? replies.intervalTooBrief(expires.minExpiresS)
        : replies.badRequest('bad Expires'),
    );
  }
  const expiresS = expires.expiresS;
  // RFC 6665 §4.2.1.4: Expires: 0 unsubscribes (final NOTIFY follows); else a refresh.
  const apply =
    expiresS === 0
      ? () => void deps.subscriptions.unsubscribe(k)
      : () => void deps.subscriptions.refresh(k, expiresS);
  return { kind: 'update', reply: replies.ok({ Expires: String(expiresS) }), apply } as const;
}

export async function decideSubscribe(deps: SubscribeDeps, req: IncomingRequest): Promise<SubscribeDecision> {
  const callId = req.header('call-id') ?? '';
  const remoteTag = getTagSafe(req.header('from'));
  const localTag = getTagSafe(req.header('to'));
  if (callId === '' || remoteTag === undefined)
    return reject(replies.badRequest('missing Call-ID or From tag'));
  if (localTag === undefined) return initial(deps, req, callId, remoteTag);
  return inDialog(deps, req, (eventType, eventId) =>
    subscriptionKey({ callId, remoteTag, localTag, eventType, eventId }),
  );
}

function getTagSafe(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return getTag(value);
  } catch {
    return undefined;
  }
}
