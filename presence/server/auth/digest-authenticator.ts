/**
 * The presence server's Authenticator over SIP Digest (presence/registrar/digest.ts: RFC 3261 §22.4,
 * RFC 8760, RFC 7616). No credentials → challenge; a stale nonce or a replayed count → a fresh
 * challenge with stale=true (RFC 7616 §3.3); malformed credentials → 400; anything else that fails
 * (wrong password, unknown user, another realm, an algorithm not offered) → a new challenge, the
 * same for every case so the answer does not tell which users exist.
 */
import { parseDigestCredentials } from '../../registrar/digest-params.js';
import type { DigestAuthenticator, StoredHa1 } from '../../registrar/digest.js';
import type { AuthOutcome, AuthRequest, Authenticator } from '../ports.js';

export interface DigestCredentialStore {
  /** HA1 values of a user of `realm`, undefined when there is no such user. */
  ha1Of(username: string): StoredHa1 | undefined | Promise<StoredHa1 | undefined>;
}

export function digestPresenceAuthenticator(
  digest: DigestAuthenticator,
  credentials: DigestCredentialStore,
  domain: string,
): Authenticator {
  return {
    async authenticate(request: AuthRequest): Promise<AuthOutcome> {
      const authorization = request.authorization;
      if (authorization === undefined || !/^\s*Digest\s/i.test(authorization)) {
        return { kind: 'challenge', challenges: digest.challenge() };
      }
      const parsed = parseDigestCredentials(authorization);
      if (!parsed.ok) return { kind: 'rejected', status: 400, reason: 'malformed credentials' };
      const ha1 = await credentials.ha1Of(parsed.value.username);
      const verdict = digest.verify({ authorization, method: request.method, ha1 });
      if (verdict.ok) return { kind: 'authenticated', aor: `sip:${verdict.username}@${domain}` };
      if (verdict.reason === 'malformed')
        return { kind: 'rejected', status: 400, reason: 'malformed credentials' };
      return { kind: 'challenge', challenges: digest.challenge({ stale: verdict.stale }) };
    },
  };
}
