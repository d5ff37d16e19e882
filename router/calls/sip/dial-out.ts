/**
 * The SIP seam of overflow: one spare target dialled out on the call's srf — a number through the
 * gateways' outbound plan (priority/weight, failover on 5xx, 408 and timeout: gateways/), or a SIP
 * URI directly. The composition root supplies the implementation (runtime/overflow-dialer.ts).
 */
import type { Srf, SrfDialog, SrfRequest } from '../../../infra/drachtio/srf-connection.js';

export interface DialOutOptions {
  /** The caller's SDP offer, sent on (RFC 3264 §5: the B2BUA relays the offer). */
  readonly sdp: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Each INVITE sent, so a caller's CANCEL can CANCEL it (RFC 3261 §9.1). */
  readonly cbRequest: (req: SrfRequest) => void;
}

export type DialOutResult =
  | {
      readonly kind: 'answered';
      readonly dialog: SrfDialog;
      /** The gateway that carried it, if any. */
      readonly via?: string;
      /** Gives the gateway's concurrency slot back (call when the call ends). */
      release(): void;
    }
  /** Final status of the last attempt (503 when no route was usable). */
  | { readonly kind: 'failed'; readonly status: number };

export type DialOut = (srf: Srf, target: string, o: DialOutOptions) => Promise<DialOutResult>;

/** Without a dialer: nothing can be reached (RFC 3261 §21.5.4 503). */
export const noDialOut: DialOut = () => Promise.resolve({ kind: 'failed', status: 503 });
