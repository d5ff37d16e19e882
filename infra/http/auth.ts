/**
 * Bearer-token authentication and role checks. Tokens come from `http.tokens` in the config; roles
 * are ordered admin > supervisor > agent. Missing/unknown token → UnauthorizedError (401),
 * insufficient role → ForbiddenError (403).
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { ApiTokenConfig, Role } from '../../config/index.js';
import { ForbiddenError, UnauthorizedError } from './errors.js';

/** Who is calling. */
export interface Principal {
  role: Role;
  agentId?: string;
}

/** What a route requires: a minimum role, or nothing. */
export type Access = Role | 'public';

const RANK: Readonly<Record<Role, number>> = { agent: 1, supervisor: 2, admin: 3 };

export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook of non-public routes. */
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** The API token checker (decorated by createHttpServer); used by addRoute. */
    authenticator: Authenticator;
  }
}

// Tokens are looked up by their SHA-256, so lookups do not compare secret bytes directly.
const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

export class Authenticator {
  readonly #byDigest = new Map<string, Principal>();

  constructor(tokens: readonly ApiTokenConfig[]) {
    for (const t of tokens) {
      this.#byDigest.set(
        digest(t.token),
        t.agentId !== undefined ? { role: t.role, agentId: t.agentId } : { role: t.role },
      );
    }
  }

  /** The principal for a presented token, or undefined. */
  identify(token: string | undefined): Principal | undefined {
    return token === undefined || token === '' ? undefined : this.#byDigest.get(digest(token));
  }

  /**
   * An onRequest hook enforcing `need`. `allowQueryToken` also accepts `?token=` (for browsers'
   * WebSocket, which cannot set headers).
   */
  hook(need: Role, opts: { allowQueryToken?: boolean } = {}): onRequestHookHandler {
    return (request, _reply, done) => {
      const principal = this.identify(presentedToken(request, opts.allowQueryToken ?? false));
      if (!principal) {
        done(new UnauthorizedError('a valid bearer token is required (Authorization: Bearer <token>)'));
        return;
      }
      if (!roleAllows(principal.role, need)) {
        done(new ForbiddenError(`this needs the ${need} role; the token has ${principal.role}`));
        return;
      }
      request.principal = principal;
      done();
    };
  }
}

function presentedToken(request: FastifyRequest, allowQuery: boolean): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m?.[1];
  }
  if (!allowQuery) return undefined;
  const query = request.query as Record<string, unknown> | undefined;
  const token = query?.['token'];
  return typeof token === 'string' ? token : undefined;
}
