/**
 * One-line route registration with a role requirement and TypeBox schemas that drive validation,
 * typing and the OpenAPI document:
 *
 *   addRoute(app, { method: 'GET', url: '/api/v1/queues', access: 'supervisor', summary: 'List queues',
 *                   response: QueueList, handler: () => queues.list() });
 *
 * Non-public routes document 401/403, routes with inputs document 400; errors thrown by handlers are
 * catalogue errors (errors.ts) mapped in http-errors.ts.
 */
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import type { Access, Principal } from './auth.js';
import { ErrorBodySchema } from './http-errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The caller (null on public routes). */
  principal: Principal | null;
  request: FastifyRequest;
  reply: FastifyReply;
}

// `{}` is the empty-object schema's static type (routes without params/query/body).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type Empty = TObject<{}>;

export interface RouteSpec<P extends TSchema, Q extends TSchema, B extends TSchema, R extends TSchema> {
  method: HttpMethod;
  /** Path with `:param` placeholders. */
  url: string;
  /** Minimum role (admin > supervisor > agent), or 'public'. */
  access: Access;
  summary: string;
  description?: string;
  tags?: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** Schema of the success body. */
  response: R;
  /** Success status (default 200); a handler may set another with `ctx.reply.code()`. */
  status?: 200 | 201 | 202;
  /** Further documented responses (e.g. `{ 503: NotReady }`). */
  otherResponses?: Record<number, TSchema>;
  handler: (ctx: RouteContext<Static<P>, Static<Q>, Static<B>>) => Static<R> | Promise<Static<R>>;
}

/** The OpenAPI/fastify schema of a route: inputs, success and error responses, security. */
export function routeSchema(spec: {
  access: Access;
  summary: string;
  description?: string;
  tags?: string[];
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  response?: TSchema;
  status?: number;
  otherResponses?: Record<number, TSchema>;
}): FastifySchema {
  const response: Record<number, TSchema> = { ...spec.otherResponses };
  if (spec.response) response[spec.status ?? 200] = spec.response;
  if (spec.params ?? spec.query ?? spec.body) response[400] = ErrorBodySchema;
  if (spec.access !== 'public') {
    response[401] = ErrorBodySchema;
    response[403] = ErrorBodySchema;
  }
  const roleNote =
    spec.access === 'public' ? 'No authentication.' : `Requires role: ${spec.access} (or higher).`;
  return {
    summary: spec.summary,
    description: spec.description ? `${spec.description}\n\n${roleNote}` : roleNote,
    tags: spec.tags ?? ['api'],
    security: spec.access === 'public' ? [] : [{ bearer: [] }],
    ...(spec.params ? { params: spec.params } : {}),
    ...(spec.query ? { querystring: spec.query } : {}),
    ...(spec.body ? { body: spec.body } : {}),
    response,
  };
}

export function addRoute<
  P extends TSchema = Empty,
  Q extends TSchema = Empty,
  B extends TSchema = Empty,
  R extends TSchema = TSchema,
>(app: FastifyInstance, spec: RouteSpec<P, Q, B, R>): void {
  app.route({
    method: spec.method,
    url: spec.url,
    schema: routeSchema(spec),
    ...(spec.access !== 'public' ? { onRequest: app.authenticator.hook(spec.access) } : {}),
    handler: async (request, reply) => {
      reply.code(spec.status ?? 200);
      const result = await spec.handler({
        params: request.params,
        query: request.query,
        body: request.body,
        principal: request.principal,
        request,
        reply,
      });
      return reply.send(result);
    },
  });
}
