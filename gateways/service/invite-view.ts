/**
 * What gateway admission reads from an INVITE, without any SIP message type (the `sip/` layer
 * builds it from the srf request), and what it answers, as values.
 */
import type { HeaderView } from '../policy/party-headers.js';

export interface InviteView {
  /** Source IP address as the transport saw it. */
  readonly sourceAddress: string;
  readonly sourcePort: number;
  /** udp, tcp, tls, ws, wss (lower case). */
  readonly transport: string;
  readonly requestUri: string;
  readonly headers: HeaderView;
  /** The request's Authorization header value, when it carries one (RFC 3261 §22.2). */
  readonly authorization?: string;
}

export interface CallerParty {
  /** E.164 when the gateway's numbering makes it one, else the number as received ('' when none). */
  readonly number: string;
  /** The caller asked not to be shown (Privacy, RPID privacy, anonymous From). */
  readonly restricted: boolean;
  readonly display?: string;
}

export type HeaderField = readonly [name: string, value: string];

export type AdmitResult =
  | {
      readonly kind: 'admit';
      /** undefined when no gateway is configured (every source is taken). */
      readonly gatewayId: string | undefined;
      readonly caller: CallerParty;
      /** E.164 when normalized, else as received ('' when none was found). */
      readonly dialled: string;
      /** Gives the gateway's concurrency slot back; call once when the call ends (later calls are no-ops). */
      release(): void;
    }
  | {
      readonly kind: 'refuse';
      readonly status: 400 | 401 | 403 | 503;
      readonly headers: readonly HeaderField[];
      /** For the log line and the metric label; never sent to the peer. */
      readonly logReason: RefuseReason;
      readonly gatewayId?: string;
    };

export type RefuseReason =
  | 'unknown-source'
  | 'gateway-disabled'
  | 'gateway-full'
  | 'digest-challenge'
  | 'digest-stale'
  | 'digest-malformed'
  | 'digest-invalid';
