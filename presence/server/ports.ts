/**
 * What the presence server needs from the rest of patchbay, as small interfaces injected at
 * construction: authentication (digest, see auth/digest-authenticator.ts), the directory of
 * presentities, what patchbay knows about an agent (the overlay: on-the-phone while on a call) and
 * the call state feeding the dialog package (RFC 4235). None of them is SIP- or srf-specific.
 */
import type { DialogInfoDialog } from '../codecs/dialog-info.js';
import type { RpidActivity } from '../codecs/pidf-types.js';

/** The parts of a request an authenticator looks at. */
export interface AuthRequest {
  readonly method: string;
  readonly requestUri: string;
  /** The Authorization header value, if any (RFC 3261 §22.2). */
  readonly authorization: string | undefined;
}

export type AuthOutcome =
  /** `aor`: the authenticated user's address of record, `sip:user@domain`. */
  | { readonly kind: 'authenticated'; readonly aor: string }
  /** RFC 3261 §22.1: answer 401 with these WWW-Authenticate values (most preferred first). */
  | { readonly kind: 'challenge'; readonly challenges: readonly string[] }
  | { readonly kind: 'rejected'; readonly status: 400 | 403; readonly reason: string };

export interface Authenticator {
  authenticate(request: AuthRequest): AuthOutcome | Promise<AuthOutcome>;
}

/** Which addresses of record are presentities (agents) of the domain. */
export interface PresentityDirectory {
  isPresentity(aor: string): boolean | Promise<boolean>;
}

/** Stops a listener registered with `onChange`. */
export type Unsubscribe = () => void;

/** What patchbay itself knows about a presentity, merged into the published state. */
export interface PresenceOverlay {
  /** RPID activities (RFC 4480 §3.2) to show, e.g. `on-the-phone` while the agent is on a call. */
  readonly activities: readonly RpidActivity[];
  readonly note?: string;
}

export interface PresenceOverlaySource {
  overlayFor(presentity: string): PresenceOverlay | undefined;
  onChange(listener: (presentity: string) => void): Unsubscribe;
}

/** Call state of presentities, in RFC 4235 terms, for the dialog event package (busy lamps). */
export interface CallStateSource {
  dialogsOf(presentity: string): readonly DialogInfoDialog[];
  onChange(listener: (presentity: string) => void): Unsubscribe;
}

/** One NOTIFY to send inside a subscription's dialog (the channel adds Event, dialog headers). */
export interface NotifyMessage {
  /** RFC 6665 §8.2.3 Subscription-State value, e.g. `active;expires=3599` or `terminated;reason=timeout`. */
  readonly subscriptionState: string;
  /** Empty with an empty body: a bodiless NOTIFY (no Content-Type), e.g. `pending`. */
  readonly contentType: string;
  readonly body: string;
  /** Extra headers, e.g. SIP-ETag (RFC 5839 §4.2) for conditional notification. */
  readonly headers?: Readonly<Record<string, string>>;
}

export type NotifyResult =
  | { readonly kind: 'delivered'; readonly status: number }
  /** RFC 6665 §4.2.2: 481, 408 or no answer: the subscription is gone, send nothing more. */
  | { readonly kind: 'gone'; readonly status?: number }
  /** Any other failure: the subscription stays, the next change is notified again. */
  | { readonly kind: 'failed'; readonly status?: number };

/** Sends the NOTIFYs of one subscription, in its dialog; implemented over srf in sip/. */
export interface NotifyChannel {
  send(message: NotifyMessage): Promise<NotifyResult>;
}

/** The slice of a pino logger the server uses. */
export interface PresenceLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  child(bindings: Record<string, unknown>): PresenceLogger;
}

export const silentLogger: PresenceLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  child: () => silentLogger,
};
