/**
 * The authentication step shared by PUBLISH and SUBSCRIBE: RFC 3903 §13 and RFC 3856 §6.6.1 ask the
 * server to authenticate publishers and watchers; here only users of the served domains pass.
 */
import type { Authenticator } from '../ports.js';
import { domainOf } from '../policy/presentity.js';
import { replies } from './sip-reply.js';
import type { IncomingRequest, SipReply } from './sip-reply.js';

export type Authenticated =
  { readonly ok: true; readonly aor: string } | { readonly ok: false; readonly reply: SipReply };

export async function authenticateRequest(
  authenticator: Authenticator,
  request: IncomingRequest,
  domains: readonly string[],
): Promise<Authenticated> {
  const outcome = await authenticator.authenticate({
    method: request.method,
    requestUri: request.uri,
    authorization: request.header('authorization'),
  });
  switch (outcome.kind) {
    case 'challenge':
      return { ok: false, reply: replies.unauthorized(outcome.challenges) };
    case 'rejected':
      return {
        ok: false,
        reply:
          outcome.status === 400 ? replies.badRequest(outcome.reason) : replies.forbidden(outcome.reason),
      };
    case 'authenticated':
      return domains.includes(domainOf(outcome.aor))
        ? { ok: true, aor: outcome.aor }
        : { ok: false, reply: replies.forbidden('not a user of this domain') };
  }
}
