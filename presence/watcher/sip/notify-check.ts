/**
 * Validates a NOTIFY of a presence subscription before it may touch any state: the event package,
 * the Subscription-State header, and the body (type, size, PIDF). A rejected NOTIFY gets an error
 * response and changes nothing (the last known presence stays as it was).
 */
import { PIDF_CONTENT_TYPE, parsePidf } from '../../codecs/pidf.js';
import type { PidfDocument } from '../../codecs/pidf.js';
import { parseSubscriptionState } from './subscription-state.js';
import type { SubscriptionStateValue } from './subscription-state.js';
import type { IncomingNotify, NotifyAnswer } from './transport.js';

export const PRESENCE_EVENT = 'presence';

export type NotifyVerdict =
  | {
      readonly kind: 'accept';
      readonly state: SubscriptionStateValue;
      /** Undefined when the NOTIFY carried no body. */
      readonly document: PidfDocument | undefined;
    }
  | { readonly kind: 'reject'; readonly answer: NotifyAnswer; readonly detail: string };

function reject(
  status: number,
  reason: string,
  detail: string,
  headers?: Record<string, string>,
): NotifyVerdict {
  return { kind: 'reject', answer: { status, reason, ...(headers ? { headers } : {}) }, detail };
}

/** The media type without parameters, lower-cased (RFC 3261 §20.15). */
function mediaType(value: string | undefined): string | undefined {
  const t = value?.split(';')[0]?.trim().toLowerCase();
  return t ? t : undefined;
}

/** The event package name of an Event header, without `;id=` and other parameters (RFC 6665 §8.2.1). */
function eventPackage(value: string | undefined): string | undefined {
  const t = value?.split(';')[0]?.trim().toLowerCase();
  return t ? t : undefined;
}

export function checkNotify(n: IncomingNotify, maxBodyBytes: number): NotifyVerdict {
  // RFC 6665 §8.3.2: a NOTIFY for an event package this subscription is not for → 489.
  if (eventPackage(n.event) !== PRESENCE_EVENT) {
    return reject(489, 'Bad Event', `NOTIFY Event is ${n.event ?? 'missing'}, not presence`, {
      'Allow-Events': PRESENCE_EVENT,
    });
  }
  // RFC 6665 §4.2.2: every NOTIFY carries Subscription-State; without it the request is malformed (RFC 3261 §21.4.1).
  const state = parseSubscriptionState(n.subscriptionState);
  if (!state) return reject(400, 'Missing or Invalid Subscription-State', 'no usable Subscription-State');
  if (n.body.length === 0) return { kind: 'accept', state, document: undefined };
  // RFC 3261 §8.2.3 / §21.4.13: a body type we did not ask for → 415 listing what we accept (RFC 3856 §6.5).
  if (mediaType(n.contentType) !== PIDF_CONTENT_TYPE) {
    return reject(415, 'Unsupported Media Type', `body type ${n.contentType ?? 'missing'}`, {
      Accept: PIDF_CONTENT_TYPE,
    });
  }
  // RFC 3261 §21.4.11: larger than the watcher accepts → 413.
  if (Buffer.byteLength(n.body, 'utf8') > maxBodyBytes) {
    return reject(413, 'Request Entity Too Large', `body over ${maxBodyBytes} bytes`);
  }
  const parsed = parsePidf(n.body, { maxBytes: maxBodyBytes });
  if (!parsed.ok) {
    const tooLarge = parsed.error.code === 'too-large';
    // RFC 3261 §21.4.1: a body that is not a PIDF document (RFC 3863 §4) makes the request bad.
    return tooLarge
      ? reject(413, 'Request Entity Too Large', parsed.error.message)
      : reject(400, 'Malformed PIDF', `${parsed.error.code}: ${parsed.error.message}`);
  }
  return { kind: 'accept', state, document: parsed.value };
}
