/**
 * PUBLISH (RFC 3903 §6), as a chain of small steps each of which may answer: 1 the presentity
 * (404), 2 the event package (489), authentication (401/403, §13), 3 SIP-If-Match (400/412),
 * 4 Expires (423, 0 = removal), 5 the body (413/415/400), 6 the store operation → 200 with
 * SIP-ETag and Expires. A refused request leaves the stored state untouched.
 */
import type { SrfRequest, SrfResponse } from '../../../infra/drachtio/srf-connection.js';
import { PIDF_CONTENT_TYPE } from '../../codecs/pidf.js';
import type { PresenceServerConfig } from '../config.js';
import type { PublicationStore, PublishResult } from '../model/publication-store.js';
import type { Authenticator, PresenceLogger, PresentityDirectory } from '../ports.js';
import { chooseExpires } from '../policy/expires.js';
import { eventPackageOf } from '../policy/event-package.js';
import { checkPidfBody, singleEntityTag } from '../policy/publish-body.js';
import { presentityOf } from '../policy/presentity.js';
import { authenticateRequest } from './authenticate.js';
import { replies } from './sip-reply.js';
import type { IncomingRequest, SipReply } from './sip-reply.js';
import { incomingRequest, sendReply } from './srf-io.js';

export interface PublishDeps {
  readonly config: PresenceServerConfig;
  readonly store: PublicationStore;
  readonly directory: PresentityDirectory;
  readonly authenticator: Authenticator;
  readonly log: PresenceLogger;
}

type Step<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reply: SipReply };

const fail = (reply: SipReply): { ok: false; reply: SipReply } => ({ ok: false, reply });

/** Steps 1–2 and §13: whose presence, which package, who is asking. */
async function target(deps: PublishDeps, req: IncomingRequest): Promise<Step<string>> {
  const presentity = presentityOf(req.uri, deps.config.domains);
  if (presentity === undefined || !(await deps.directory.isPresentity(presentity)))
    return fail(replies.notFound());
  if (eventPackageOf(req.header('event')) !== 'presence') return fail(replies.badEvent(['presence']));
  const auth = await authenticateRequest(deps.authenticator, req, deps.config.domains);
  if (!auth.ok) return auth;
  if (auth.aor !== presentity) return fail(replies.forbidden('only the presentity may publish its state'));
  return { ok: true, value: presentity };
}

/** Step 3: the precondition, if any, must name one known entity-tag. */
function precondition(deps: PublishDeps, presentity: string, req: IncomingRequest): Step<string | undefined> {
  const raw = req.header('sip-if-match');
  if (raw === undefined) return { ok: true, value: undefined };
  const etag = singleEntityTag(raw);
  if (etag === undefined) return fail(replies.badRequest('SIP-If-Match must hold one entity-tag'));
  if (!deps.store.has(presentity, etag)) return fail(replies.conditionalRequestFailed());
  return { ok: true, value: etag };
}

/** Step 4. */
function expiry(deps: PublishDeps, req: IncomingRequest): Step<number> {
  const choice = chooseExpires(req.header('expires'), deps.config.publication);
  if (choice.ok) return { ok: true, value: choice.expiresS };
  return fail(
    choice.kind === 'too-brief'
      ? replies.intervalTooBrief(choice.minExpiresS)
      : replies.badRequest('bad Expires'),
  );
}

/** Step 5: removal, refresh, modification or initial publication. */
function apply(
  deps: PublishDeps,
  presentity: string,
  etag: string | undefined,
  expiresS: number,
  req: IncomingRequest,
): Step<PublishResult> {
  const { store } = deps;
  if (expiresS === 0) {
    if (etag === undefined) return fail(replies.badRequest('removal needs SIP-If-Match'));
    return { ok: true, value: store.remove(presentity, etag) };
  }
  if (req.body === '') {
    if (etag === undefined) return fail(replies.badRequest('initial publication needs a body'));
    return { ok: true, value: store.refresh(presentity, etag, expiresS) };
  }
  const body = checkPidfBody(req.header('content-type'), req.body, deps.config.maxBodyBytes);
  if (!body.ok) {
    if (body.problem === 'too-large') return fail(replies.tooLarge(deps.config.maxBodyBytes));
    if (body.problem === 'wrong-type') return fail(replies.unsupportedMediaType(PIDF_CONTENT_TYPE));
    return fail(replies.badRequest('malformed PIDF'));
  }
  const value =
    etag === undefined
      ? store.publish(presentity, body.document, expiresS)
      : store.modify(presentity, etag, body.document, expiresS);
  return { ok: true, value };
}

/** The whole of RFC 3903 §6 for one request; never throws for bad input. */
export async function answerPublish(deps: PublishDeps, req: IncomingRequest): Promise<SipReply> {
  const who = await target(deps, req);
  if (!who.ok) return who.reply;
  const presentity = who.value;
  const etag = precondition(deps, presentity, req);
  if (!etag.ok) return etag.reply;
  const expiresS = expiry(deps, req);
  if (!expiresS.ok) return expiresS.reply;
  const done = apply(deps, presentity, etag.value, expiresS.value, req);
  if (!done.ok) return done.reply;
  const result = done.value;
  if (!result.ok) return replies.conditionalRequestFailed();
  // Step 6: 200 with the new entity-tag and the chosen expiration.
  return replies.ok({ 'SIP-ETag': result.etag, Expires: String(result.expiresS) });
}

/** The srf handler: one PUBLISH in, one answer out. */
export function createPublishHandler(deps: PublishDeps) {
  return (req: SrfRequest, res: SrfResponse): void => {
    const request = incomingRequest(req);
    answerPublish(deps, request).then(
      (reply) => sendReply(res, reply),
      (err: unknown) => {
        deps.log.warn({ err, callId: request.header('call-id') }, 'PUBLISH failed');
        sendReply(res, replies.serverError());
      },
    );
  };
}
