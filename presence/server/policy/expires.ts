/**
 * Choosing the expiration of a publication or subscription from the request's Expires header:
 * RFC 3903 §6 step 4 (PUBLISH) and RFC 6665 §4.2.1.1 (SUBSCRIBE) — absent → the local default,
 * 0 → removal / unsubscription, above 0 but below the minimum → 423 with Min-Expires, above the
 * maximum → shortened (both RFCs let the server shorten, never lengthen).
 */
import type { ExpiresLimits } from '../config.js';

export type ExpiresChoice =
  | { readonly ok: true; readonly expiresS: number }
  | { readonly ok: false; readonly kind: 'too-brief'; readonly minExpiresS: number }
  | { readonly ok: false; readonly kind: 'malformed' };

/** RFC 3261 §20.19 / §25.1: Expires = delta-seconds = 1*DIGIT. */
export function chooseExpires(header: string | undefined, limits: ExpiresLimits): ExpiresChoice {
  if (header === undefined) return { ok: true, expiresS: limits.defaultExpiresS };
  const text = header.trim();
  if (!/^\d{1,20}$/.test(text)) return { ok: false, kind: 'malformed' };
  const requested = Number(text);
  if (requested === 0) return { ok: true, expiresS: 0 };
  if (requested < limits.minExpiresS)
    return { ok: false, kind: 'too-brief', minExpiresS: limits.minExpiresS };
  return { ok: true, expiresS: Math.min(requested, limits.maxExpiresS) };
}
