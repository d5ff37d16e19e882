/**
 * The port between a subscription and the SIP stack: what the watcher needs from whoever sends
 * SUBSCRIBE and receives NOTIFY. The production implementation is srf-transport.ts (drachtio-srf);
 * unit tests use an in-memory fake. Outcomes are values; implementations never reject.
 */
import type { RequestFailure } from '../policy/retry-policy.js';

export type { RequestFailure } from '../policy/retry-policy.js';

/** A NOTIFY as the subscription sees it (RFC 6665 §4.1.3): the few fields it acts on. */
export interface IncomingNotify {
  readonly event: string | undefined;
  readonly subscriptionState: string | undefined;
  readonly contentType: string | undefined;
  /** The body as received ('' when there is none). */
  readonly body: string;
}

/** The response the subscription wants sent to a NOTIFY. */
export interface NotifyAnswer {
  readonly status: number;
  readonly reason?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Called for every NOTIFY of the dialog, synchronously, and must return the answer at once. The
 * transport installs it before the dialog can receive anything, so no NOTIFY is lost between the
 * 2xx and the subscription learning of the dialog (RFC 6665 §4.1.2.4).
 */
export type NotifyHandler = (notify: IncomingNotify) => NotifyAnswer;

export type SubscribeOutcome =
  | {
      readonly ok: true;
      readonly dialog: SubscriptionDialog;
      /** RFC 6665 §4.1.2.1: Expires of the 2xx; undefined when absent. */
      readonly expiresS: number | undefined;
    }
  | { readonly ok: false; readonly failure: RequestFailure };

export type RefreshOutcome =
  | { readonly ok: true; readonly expiresS: number | undefined }
  | { readonly ok: false; readonly failure: RequestFailure };

export interface SubscriptionDialog {
  /** RFC 6665 §4.1.2.2: SUBSCRIBE inside the dialog with a new Expires. */
  refresh(expiresS: number): Promise<RefreshOutcome>;
  /**
   * RFC 6665 §4.1.2.3: SUBSCRIBE with Expires: 0. From the call on, the NotifyHandler is not
   * called again; the final NOTIFY is answered 200 by the transport. Resolves once answered (or
   * failed); never rejects.
   */
  unsubscribe(): Promise<void>;
  /**
   * Forgets the dialog without signalling (the notifier already ended it). From the call on, the
   * NotifyHandler is not called again.
   */
  release(): void;
}

export interface SubscribeRequest {
  /** The presentity (RFC 3856 §6.1: the Request-URI of the SUBSCRIBE). */
  readonly uri: string;
  readonly expiresS: number;
}

export interface SubscriptionTransport {
  subscribe(request: SubscribeRequest, onNotify: NotifyHandler): Promise<SubscribeOutcome>;
}
