/**
 * REST for an agent's live state:
 *   GET  /api/v1/agents/:id/state  → the view (state, reason, version, availability, presence, devices)
 *   POST /api/v1/agents/:id/state  { action, reason?, extendMs? } → the view after the transition
 * An agent token may only read and change its own id; supervisor and admin any. Unknown agent → 404,
 * refused transition → 409 (with the machine's code in the message), bad body → 400.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../../infra/http/auth.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../infra/http/errors.js';
import { addRoute } from '../../../infra/http/route.js';
import { ErrorBodySchema } from '../../../infra/http/http-errors.js';
import { actionEvent, AGENT_ACTIONS } from '../agent-actions.js';
import type { AgentStateService } from '../agent-state-service.js';
import type { AgentStateView } from '../agent-state-types.js';

const Availability = Type.Union([Type.Literal('available'), Type.Literal('unavailable')]);

export const AgentStateParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

export const AgentStateAction = Type.Object(
  {
    action: Type.Union(AGENT_ACTIONS.map((a) => Type.Literal(a))),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    extendMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 3_600_000 })),
  },
  { additionalProperties: false },
);
export type AgentStateActionInput = Static<typeof AgentStateAction>;

export const AgentStateBody = Type.Object({
  id: Type.String(),
  state: Type.String(),
  mode: Type.String(),
  reason: Type.Optional(Type.String()),
  version: Type.Integer(),
  availability: Availability,
  channels: Type.Record(Type.String(), Availability),
  presence: Type.Optional(
    Type.Object({
      basic: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
      activities: Type.Array(Type.String()),
    }),
  ),
  devices: Type.Integer({ minimum: 0 }),
});

function checkOwn(principal: Principal | null, agentId: string): void {
  if (principal?.role === 'agent' && principal.agentId !== agentId) {
    throw new ForbiddenError('an agent token may only use its own agent id');
  }
}

function found(view: AgentStateView | undefined, id: string): Static<typeof AgentStateBody> {
  if (!view) throw new NotFoundError(`no agent '${id}'`);
  const { presence, channels, ...rest } = view;
  return {
    ...rest,
    channels: { ...channels },
    ...(presence ? { presence: { basic: presence.basic, activities: [...presence.activities] } } : {}),
  };
}

export function registerAgentStateRoutes(app: FastifyInstance, service: AgentStateService): void {
  addRoute(app, {
    method: 'GET',
    url: '/api/v1/agents/:id/state',
    access: 'agent',
    summary: "An agent's live state",
    tags: ['agents'],
    params: AgentStateParams,
    response: AgentStateBody,
    otherResponses: { 404: ErrorBodySchema },
    handler: async ({ params, principal }) => {
      checkOwn(principal, params.id);
      return found(await service.view(params.id), params.id);
    },
  });
  addRoute(app, {
    method: 'POST',
    url: '/api/v1/agents/:id/state',
    access: 'agent',
    summary: "Change an agent's state (ready, not-ready, login, logout, extend-wrap-up)",
    tags: ['agents'],
    params: AgentStateParams,
    body: AgentStateAction,
    response: AgentStateBody,
    otherResponses: { 404: ErrorBodySchema, 409: ErrorBodySchema },
    handler: async ({ params, body, principal }) => {
      checkOwn(principal, params.id);
      const result = await service.submitWith(params.id, (agent) => actionEvent(body, agent));
      if (!result.ok && result.code === 'unknown-agent') throw new NotFoundError(result.message);
      if (!result.ok) throw new ConflictError(result.message);
      return found(await service.view(params.id), params.id);
    },
  });
}
