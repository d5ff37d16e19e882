/**
 * What is kept of a customer's subscription so that it can be ended after patchbay crashed, and the
 * NOTIFY that ends it (pure). The SIP engine's dialogs die with the process, and a SUBSCRIBE that
 * refreshes a dialog the new process does not know gets 481, so the subscription cannot go on; the
 * honest move is to tell the watcher at once, in its own dialog: RFC 6665 §4.2.2 NOTIFY with
 * `Subscription-State: terminated;reason=deactivated` — §4.1.3: "the subscriber SHOULD attempt to
 * re-subscribe immediately" (patchbay is up again, so no retry-after is needed).
 *
 * The NOTIFY is built as a new request carrying the dialog's identifiers (RFC 3261 §12.2.1.1:
 * Request-URI = remote target, To = the watcher with its tag, From = us with our tag, the Call-ID),
 * sent to the first route of the route set when there is one (the engine sets Route itself and
 * takes no Route from the app, drachtio spec §2.7: a second record-routing proxy is not honoured).
 * Its CSeq is 2^31 − 1, the highest RFC 3261 §8.1.1.5 allows: above any the dead dialog used, and
 * the dialog ends with it.
 */

export interface StoredQueueSubscription {
  readonly key: string;
  readonly nodeId: string;
  readonly resource: string;
  readonly watcher: string;
  /** Event header value of its NOTIFYs (`presence`, with `;id=` if the SUBSCRIBE had one). */
  readonly event: string;
  readonly callId: string;
  /** Our To of the 200, with our tag (the NOTIFY's From). */
  readonly local: string;
  /** The SUBSCRIBE's From, with the watcher's tag (the NOTIFY's To). */
  readonly remote: string;
  readonly localContact?: string;
  /** The SUBSCRIBE's Contact URI (RFC 3261 §12.1.1 remote target). */
  readonly remoteTarget: string;
  /** Record-Route URIs of the SUBSCRIBE, in order (§12.1.1: the UAS's route set). */
  readonly routeSet: readonly string[];
  /** Wall-clock time the subscription expires at (epoch ms). */
  readonly expiresAtMs: number;
}

/** The dialog part, as the SIP layer reads it from the SUBSCRIBE and our 200. */
export type StoredDialog = Pick<
  StoredQueueSubscription,
  'event' | 'callId' | 'local' | 'remote' | 'localContact' | 'remoteTarget' | 'routeSet'
>;

/** A subscription the SIP layer just started (what the store needs besides the node and expiry). */
export interface AcceptedSubscription {
  readonly key: string;
  readonly resource: string;
  readonly watcher: string;
  readonly expiresS: number;
  readonly dialog: StoredDialog;
}

export interface EndingNotify {
  readonly uri: string;
  /** Outbound proxy: the first entry of the route set, if any. */
  readonly proxy: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

export const LAST_CSEQ = 2 ** 31 - 1;

/** The NOTIFY that ends `s`, or undefined when it has expired anyway (the watcher knows). */
export function endingNotify(s: StoredQueueSubscription, nowMs: number): EndingNotify | undefined {
  if (s.expiresAtMs <= nowMs) return undefined;
  const headers: Record<string, string> = {
    From: s.local,
    To: s.remote,
    'Call-ID': s.callId,
    CSeq: `${LAST_CSEQ} NOTIFY`,
    Event: s.event,
    'Subscription-State': 'terminated;reason=deactivated',
  };
  if (s.localContact !== undefined) headers.Contact = s.localContact;
  return { uri: s.remoteTarget, proxy: s.routeSet[0], headers };
}
