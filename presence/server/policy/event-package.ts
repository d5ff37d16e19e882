/**
 * The Event header (RFC 6665 §8.2.1): which package a request is for. The server supports
 * `presence` (RFC 3856 §6.1) and `dialog` (RFC 4235 §3.1); template packages such as
 * `presence.winfo` are not supported and get 489 like any unknown package.
 */
import { parseEvent } from '../../../sip-engine/message/headers.js';

export const EVENT_PACKAGES = ['presence', 'dialog'] as const;
export type EventPackage = (typeof EVENT_PACKAGES)[number];

export interface EventSpec {
  /** The whole event-type, lower-cased (e.g. `presence`, `presence.winfo`). */
  readonly eventType: string;
  /** The `id` parameter (RFC 6665 §8.2.1), which tells subscriptions in one dialog apart. */
  readonly id: string | undefined;
}

/** Parses an Event header value; undefined when absent or malformed. */
export function parseEventSpec(value: string | undefined): EventSpec | undefined {
  if (value === undefined) return undefined;
  try {
    const e = parseEvent(value);
    return { eventType: e.eventType.toLowerCase(), id: e.id };
  } catch {
    return undefined;
  }
}

export function isEventPackage(eventType: string): eventType is EventPackage {
  return (EVENT_PACKAGES as readonly string[]).includes(eventType);
}

/** The supported package an Event header names, or undefined. */
export function eventPackageOf(value: string | undefined): EventPackage | undefined {
  const spec = parseEventSpec(value);
  return spec !== undefined && isEventPackage(spec.eventType) ? spec.eventType : undefined;
}
