/**
 * A REGISTER and its answer as plain values, free of drachtio-srf types: the SIP handler
 * (sip/register-handler.ts) copies the header fields in and sends the response out, so the
 * registrar itself is tested without a network.
 */
import { formatParams } from '../../../sip-engine/message/params.js';
import { quote } from '../../../sip-engine/message/chars.js';
import { remainingSeconds } from './binding.js';
import type { Binding } from './binding.js';

export interface RegisterRequest {
  readonly requestUri: string;
  /** Header field values as received; a field given on several lines is comma-joined. */
  readonly to: string;
  readonly callId: string;
  readonly cseq: string;
  readonly contact?: string;
  readonly expires?: string;
  readonly authorization?: string;
  readonly require?: string;
  readonly supported?: string;
  readonly path?: string;
  readonly userAgent?: string;
  /** Where it came from (the transport's view, not the Via). */
  readonly source: { readonly address: string; readonly port: number; readonly transport: string };
}

export type HeaderField = readonly [name: string, value: string];

export interface RegisterResponse {
  readonly status: number;
  /** Reason phrase when not the standard one. */
  readonly reason?: string;
  /** In order; a name may repeat (e.g. one WWW-Authenticate per algorithm, RFC 8760 §2.3). */
  readonly headers: readonly HeaderField[];
}

export const respond = (
  status: number,
  headers: readonly HeaderField[] = [],
  reason?: string,
): RegisterResponse => ({
  status,
  headers,
  ...(reason !== undefined ? { reason } : {}),
});

/** RFC 3261 §10.3 step 8: one Contact value per current binding, with its remaining `expires`. */
export function contactValue(b: Binding, nowMs: number): string {
  const params = new Map<string, string | null>([['expires', String(remainingSeconds(b, nowMs))]]);
  if (b.qMilli !== undefined) params.set('q', (b.qMilli / 1000).toFixed(3).replace(/\.?0+$/, '') || '0');
  if (b.instanceId !== undefined) params.set('+sip.instance', quote(`<${b.instanceId}>`));
  if (b.regId !== undefined) params.set('reg-id', String(b.regId));
  return `<${b.contact}>${formatParams(params)}`;
}

/** Option tags of a Require/Supported field (RFC 3261 §20.32, §20.37), lower-cased. */
export function optionTags(field: string | undefined): string[] {
  if (field === undefined) return [];
  return field
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t.length > 0);
}
