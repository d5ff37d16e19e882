/**
 * The SIP view the handlers work on (no srf types here, so the decisions are testable without a
 * network) and the catalogue of answers they give, each with the RFC that asks for it.
 */

/** The parts of an incoming request the presence handlers read. */
export interface IncomingRequest {
  readonly method: string;
  readonly uri: string;
  /** First value of a header (case-insensitive), or undefined. */
  header(name: string): string | undefined;
  readonly body: string;
}

export interface SipReply {
  readonly status: number;
  readonly reason: string;
  readonly headers: Readonly<Record<string, string>>;
}

const reply = (status: number, reason: string, headers: Record<string, string> = {}): SipReply => ({
  status,
  reason,
  headers,
});

export const replies = {
  ok: (headers: Record<string, string>): SipReply => reply(200, 'OK', headers),
  /** RFC 3261 §21.4.1; the reason phrase says what was wrong. */
  badRequest: (why: string): SipReply => reply(400, `Bad Request - ${why}`),
  /** RFC 3261 §22.1: one WWW-Authenticate per offered algorithm (srf can carry only the first). */
  unauthorized: (challenges: readonly string[]): SipReply =>
    reply(401, 'Unauthorized', challenges[0] === undefined ? {} : { 'WWW-Authenticate': challenges[0] }),
  /** RFC 3261 §21.4.4. */
  forbidden: (why: string): SipReply => reply(403, `Forbidden - ${why}`),
  /** RFC 3903 §6 step 1, RFC 3856 §6.6: not a presentity of this server. */
  notFound: (): SipReply => reply(404, 'Not Found'),
  /** RFC 3261 §21.4.7 with the acceptable type (RFC 6665 §4.2.1.1 via the package's body format). */
  notAcceptable: (accept: string): SipReply => reply(406, 'Not Acceptable', { Accept: accept }),
  /** RFC 3903 §6 step 3 / §11.2.1: the entity-tag in SIP-If-Match is unknown (or expired). */
  conditionalRequestFailed: (): SipReply => reply(412, 'Conditional Request Failed'),
  /** RFC 3261 §21.4.11. */
  tooLarge: (maxBytes: number): SipReply =>
    reply(413, `Request Entity Too Large - at most ${maxBytes} bytes`),
  /** RFC 3903 §6 step 5 and RFC 3261 §21.4.13 / §20.1: with Accept naming what is understood. */
  unsupportedMediaType: (accept: string): SipReply =>
    reply(415, 'Unsupported Media Type', { Accept: accept }),
  /** RFC 3903 §6 step 4, RFC 6665 §4.2.1.1, RFC 3261 §21.4.17 / §20.23: with Min-Expires. */
  intervalTooBrief: (minExpiresS: number): SipReply =>
    reply(423, 'Interval Too Brief', { 'Min-Expires': String(minExpiresS) }),
  /** RFC 3261 §21.4.19 / §12.2.2: no such subscription in this dialog. */
  noSuchSubscription: (): SipReply => reply(481, 'Subscription Does Not Exist'),
  /** RFC 6665 §8.3.2 (RFC 3903 §6 step 2, RFC 6665 §4.2.1.1) with Allow-Events (§8.2.2). */
  badEvent: (allowEvents: readonly string[]): SipReply =>
    reply(489, 'Bad Event', { 'Allow-Events': allowEvents.join(', ') }),
  /** RFC 3261 §21.5.4 with Retry-After (§20.33). */
  unavailable: (retryAfterS: number): SipReply =>
    reply(503, 'Service Unavailable', { 'Retry-After': String(retryAfterS) }),
  /** RFC 3261 §21.5.1: a dependency (directory, authenticator) failed. */
  serverError: (): SipReply => reply(500, 'Server Internal Error'),
};
