/**
 * What to answer a SUBSCRIBE to a queue or service presence URI, without srf.
 * - initial (no To tag), in this order: Event (400, 489 with Allow-Events: presence) → resource
 *   (404) → Accept (406) → access (401/403 for `authenticated`; 403 or, politely, 200 + pending for
 *   a refused watcher: RFC 5025 §3.2.1) → Expires (423/400, RFC 6665 §4.2.1.1) → RFC 6446
 *   parameters (400) → capacity (503) → 200 (RFC 6665 §4.2.1.1: never 202) and the NOTIFY.
 * - in a dialog: its subscription (481) → Expires: 0 unsubscribes (200, final NOTIFY) → a
 *   Suppress-If-Match naming the current entity-tag (or `*`) refreshes with 204 and no NOTIFY
 *   (RFC 5839 §4.2, §7.2) → else 200 and a NOTIFY (RFC 6665 §4.2.1.2).
 */
import { getTag, parseEvent, parseNameAddr } from '../../../sip-engine/message/headers.js';
import type { ExpiresLimits } from '../../server/config.js';
import { aorOf } from '../../server/policy/presentity.js';
import { chooseExpires } from '../../server/policy/expires.js';
import { acceptsFormat, subscriptionKey } from '../../server/policy/subscribe-request.js';
import { authenticateRequest } from '../../server/sip/authenticate.js';
import { replies } from '../../server/sip/sip-reply.js';
import type { IncomingRequest, SipReply } from '../../server/sip/sip-reply.js';
import type { SubscribeAnswer } from '../../server/sip/answer-subscribe.js';
import type { Authenticator } from '../../server/ports.js';
import { PIDF_CONTENT_TYPE } from '../../codecs/pidf.js';
import { accessVerdict } from '../policy/access.js';
import { chooseLanguage } from '../policy/language.js';
import { parseRateParams, planRate } from '../policy/rate-control.js';
import type { RatePlan } from '../policy/rate-control.js';
import type { PresenceResource } from '../model/resources.js';
import type { QueuePresence } from '../queue-presence.js';
import { variantOf } from '../queue-presence.js';

export interface QueueSubscribeDeps {
  readonly presence: QueuePresence;
  /** Digest users of the domain, for `access: authenticated`; none: such queues answer 403. */
  readonly authenticator: Authenticator | undefined;
  readonly expires: ExpiresLimits;
  /** Watchers per resource at most (503 + Retry-After beyond). */
  readonly maxPerResource: number;
}

export interface QueueAcceptPlan {
  readonly resource: string;
  readonly variant: string;
  readonly watcher: string;
  readonly eventId: string | undefined;
  readonly expiresS: number;
  readonly plan: RatePlan;
  readonly blocked: boolean;
  readonly callId: string;
  readonly remoteTag: string;
}

export type QueueSubscribeDecision = SubscribeAnswer<QueueAcceptPlan>;

const reject = (reply: SipReply): QueueSubscribeDecision => ({ kind: 'reject', reply });

/** RFC 5839 §7.2. */
const noNotification = (headers: Record<string, string>): SipReply => ({
  status: 204,
  reason: 'No Notification',
  headers,
});

type EventParse = { type: string; id: string | undefined; params: ReadonlyMap<string, string | null> };

function eventOf(req: IncomingRequest): EventParse | SipReply {
  const value = req.header('event');
  if (value === undefined) return replies.badRequest('missing Event');
  try {
    const e = parseEvent(value);
    if (e.eventType.toLowerCase() !== 'presence') return replies.badEvent(['presence']); // RFC 6665 §4.2.1.1
    return { type: 'presence', id: e.id, params: e.params };
  } catch {
    return replies.badRequest('malformed Event');
  }
}

function tagOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return getTag(value);
  } catch {
    return undefined;
  }
}

/** User part of the Request-URI when its host is the presence domain. */
export function requestUser(uri: string, domain: string): string | undefined {
  const aor = aorOf(uri);
  if (aor === undefined || !aor.endsWith(`@${domain}`)) return undefined;
  return aor.slice('sip:'.length, aor.length - domain.length - 1);
}

function expiresOf(deps: QueueSubscribeDeps, req: IncomingRequest): number | SipReply {
  const e = chooseExpires(req.header('expires'), deps.expires);
  if (e.ok) return e.expiresS;
  return e.kind === 'too-brief' ? replies.intervalTooBrief(e.minExpiresS) : replies.badRequest('bad Expires');
}

function fromAor(req: IncomingRequest): string | undefined {
  try {
    return aorOf(parseNameAddr(req.header('from') ?? '').uri);
  } catch {
    return undefined;
  }
}

/** The watcher's identity and whether the resource's access rule lets it in (RFC 5025 §3.2.1). */
async function watcherOf(deps: QueueSubscribeDeps, req: IncomingRequest, access: PresenceResource['access']) {
  const from = fromAor(req);
  const verdict = accessVerdict(access, { aor: from });
  if (verdict === 'allowed') return { ok: true as const, watcher: from ?? 'anonymous', denied: false };
  if (verdict === 'denied') return { ok: true as const, watcher: from ?? 'anonymous', denied: true };
  if (deps.authenticator === undefined)
    return { ok: false as const, reply: replies.forbidden('no authentication here') };
  const auth = await authenticateRequest(deps.authenticator, req, [deps.presence.domain]);
  return auth.ok
    ? { ok: true as const, watcher: auth.aor, denied: false }
    : { ok: false as const, reply: auth.reply };
}

async function initial(deps: QueueSubscribeDeps, req: IncomingRequest, callId: string, remoteTag: string) {
  const event = eventOf(req);
  if ('status' in event) return reject(event);
  const user = requestUser(req.uri, deps.presence.domain);
  const resource = user === undefined ? undefined : deps.presence.resourceForUser(user);
  if (user === undefined || resource === undefined) return reject(replies.notFound());
  if (!acceptsFormat(req.header('accept'), PIDF_CONTENT_TYPE))
    return reject(replies.notAcceptable(PIDF_CONTENT_TYPE));
  const who = await watcherOf(deps, req, resource.access);
  if (!who.ok) return reject(who.reply);
  if (who.denied && resource.denied === 'forbidden')
    return reject(replies.forbidden('not allowed to watch this queue'));
  const expiresS = expiresOf(deps, req);
  if (typeof expiresS !== 'number') return reject(expiresS);
  const rate = parseRateParams(event.params);
  if (!rate.ok) return reject(replies.badRequest(rate.why));
  if (deps.presence.notifier.countFor(resource.id) >= deps.maxPerResource)
    return reject(replies.unavailable(60));
  const language = chooseLanguage(req.header('accept-language'), Object.keys(resource.notes));
  const plan: QueueAcceptPlan = {
    resource: resource.id,
    variant: variantOf(user, language),
    watcher: who.watcher,
    eventId: event.id,
    expiresS,
    plan: planRate(rate.request, deps.presence.minIntervalS),
    blocked: who.denied,
    callId,
    remoteTag,
  };
  return { kind: 'accept', reply: replies.ok({ Expires: String(expiresS) }), plan } as const;
}

function inDialog(deps: QueueSubscribeDeps, req: IncomingRequest, key: (id: string | undefined) => string) {
  const event = eventOf(req);
  if ('status' in event) return reject(event);
  const k = key(event.id);
  const notifier = deps.presence.notifier;
  const sub = notifier.get(k);
  if (sub?.state !== 'active' && sub?.state !== 'pending') return reject(replies.noSuchSubscription());
  const expiresS = expiresOf(deps, req);
  if (typeof expiresS !== 'number') return reject(expiresS);
  const headers = { Expires: String(expiresS) };
  if (expiresS === 0)
    return { kind: 'update', reply: replies.ok(headers), apply: () => void notifier.unsubscribe(k) } as const;
  const condition = req.header('suppress-if-match')?.trim();
  if (condition !== undefined && (condition === '*' || condition === notifier.currentEtag(k))) {
    return {
      kind: 'update',
      reply: noNotification(headers),
      apply: () => void notifier.refresh(k, expiresS, { notify: false }),
    } as const;
  }
  return {
    kind: 'update',
    reply: replies.ok(headers),
    apply: () => void notifier.refresh(k, expiresS),
  } as const;
}

export function subscriptionKeyOf(
  req: IncomingRequest,
): ((eventId: string | undefined) => string) | undefined {
  const callId = req.header('call-id') ?? '';
  const remoteTag = tagOf(req.header('from'));
  const localTag = tagOf(req.header('to'));
  if (callId === '' || remoteTag === undefined || localTag === undefined) return undefined;
  return (eventId) => subscriptionKey({ callId, remoteTag, localTag, eventType: 'presence', eventId });
}

export async function decideQueueSubscribe(
  deps: QueueSubscribeDeps,
  req: IncomingRequest,
): Promise<QueueSubscribeDecision> {
  const callId = req.header('call-id') ?? '';
  const remoteTag = tagOf(req.header('from'));
  if (callId === '' || remoteTag === undefined)
    return reject(replies.badRequest('missing Call-ID or From tag'));
  const key = subscriptionKeyOf(req);
  return key === undefined ? initial(deps, req, callId, remoteTag) : inDialog(deps, req, key);
}
