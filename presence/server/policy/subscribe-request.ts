/**
 * Pure pieces of SUBSCRIBE processing: which body format a package notifies with, whether the
 * subscriber's Accept allows it, and the key that identifies a subscription.
 */
import { DIALOG_INFO_CONTENT_TYPE } from '../../codecs/dialog-info.js';
import { PIDF_CONTENT_TYPE } from '../../codecs/pidf.js';
import type { EventPackage } from './event-package.js';

/** RFC 3856 §6.5 (application/pidf+xml) and RFC 4235 §3.6 (application/dialog-info+xml). */
export const NOTIFY_CONTENT_TYPE: Readonly<Record<EventPackage, string>> = {
  presence: PIDF_CONTENT_TYPE,
  dialog: DIALOG_INFO_CONTENT_TYPE,
};

/**
 * RFC 3856 §6.5 / RFC 4235 §3.6: without Accept the package's default format is assumed; with one,
 * it must list that format or a range covering it (RFC 3261 §20.1).
 */
export function acceptsFormat(accept: string | undefined, contentType: string): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  const [major] = contentType.split('/');
  return accept
    .split(',')
    .map((range) => range.split(';')[0]?.trim().toLowerCase() ?? '')
    .some((range) => range === contentType || range === '*/*' || range === `${major}/*`);
}

/**
 * RFC 6665 §4.4.1: a subscription is identified by its dialog (Call-ID and both tags) and the
 * Event header's type and id.
 */
export function subscriptionKey(parts: {
  readonly callId: string;
  readonly remoteTag: string;
  readonly localTag: string;
  readonly eventType: string;
  readonly eventId: string | undefined;
}): string {
  return [parts.callId, parts.remoteTag, parts.localTag, parts.eventType, parts.eventId ?? ''].join('|');
}

/** The Event value a NOTIFY carries: the subscription's type and id (RFC 6665 §8.2.1). */
export function notifyEventHeader(eventType: string, eventId: string | undefined): string {
  return eventId === undefined ? eventType : `${eventType};id=${eventId}`;
}
