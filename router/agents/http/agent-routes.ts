/**
 * REST routes of the agent directory under /api/v1/agents: supervisors read, admins write. Bodies,
 * params and responses are the TypeBox schemas of model/agent-schema.ts (so they are validated and
 * documented in OpenAPI). `toApiError` below is THE mapping from directory errors to HTTP:
 * not found → 404, conflicts → 409, rule violations → 400 with one detail per field.
 */
import {
  addRoute,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../../infra/http/index.js';
import { ErrorBodySchema } from '../../../infra/http/index.js';
import { toView } from '../model/agent.js';
import type { AgentRecord } from '../model/agent.js';
import {
  AgentCustomerBody,
  AgentIdParams,
  AgentList,
  AgentPatch,
  AgentReplace,
  AgentSpec,
  AgentView,
} from '../model/agent-schema.js';
import type { AgentViewData } from '../model/agent-schema.js';
import { AgentConflictError, AgentNotFoundError, InvalidAgentError } from '../model/errors.js';
import type { AgentDirectory } from '../agent-directory.js';

/** The API server as infra/http builds it (this folder never imports fastify). */
type HttpApp = Parameters<typeof addRoute>[0];

const BASE = '/api/v1/agents';
const TAGS = ['agents'];

/** Directory errors → API errors; anything else is rethrown (→ 500 by infra/http). */
export function toApiError(err: unknown): unknown {
  if (err instanceof AgentNotFoundError) return new NotFoundError(err.message, { cause: err });
  if (err instanceof AgentConflictError) return new ConflictError(err.message, { cause: err });
  if (err instanceof InvalidAgentError) {
    const details = err.issues.map((i) => ({ path: `/body${i.path}`, message: i.message }));
    return new ValidationError('invalid agent', { cause: err, details });
  }
  return err;
}

async function view(work: () => Promise<AgentRecord>): Promise<AgentViewData> {
  try {
    return toView(await work());
  } catch (err) {
    throw toApiError(err);
  }
}

const notFound = { 404: ErrorBodySchema };
const writeErrors = { 404: ErrorBodySchema, 409: ErrorBodySchema };

export function registerAgentRoutes(app: HttpApp, directory: AgentDirectory): void {
  registerReadRoutes(app, directory);
  registerCreateRoute(app, directory);
  registerWriteRoutes(app, directory);
  registerCustomerRoute(app, directory);
}

function registerReadRoutes(app: HttpApp, directory: AgentDirectory): void {
  addRoute(app, {
    method: 'GET',
    url: BASE,
    access: 'supervisor',
    tags: TAGS,
    summary: 'List agents',
    response: AgentList,
    handler: async () => ({ agents: (await directory.list()).map(toView) }),
  });
  addRoute(app, {
    method: 'GET',
    url: `${BASE}/:id`,
    access: 'supervisor',
    tags: TAGS,
    summary: 'Get one agent',
    params: AgentIdParams,
    response: AgentView,
    otherResponses: notFound,
    handler: ({ params }) => view(() => directory.get(params.id)),
  });
}

function registerCreateRoute(app: HttpApp, directory: AgentDirectory): void {
  addRoute(app, {
    method: 'POST',
    url: BASE,
    access: 'admin',
    tags: TAGS,
    summary: 'Create an agent',
    description: 'The password is stored as HA1 (MD5 and SHA-256) and never returned.',
    body: AgentSpec,
    response: AgentView,
    status: 201,
    otherResponses: { 409: ErrorBodySchema },
    handler: async ({ body, reply }) => {
      const created = await view(() => directory.create(body));
      void reply.header('location', `${BASE}/${encodeURIComponent(created.id)}`);
      return created;
    },
  });
}

function registerWriteRoutes(app: HttpApp, directory: AgentDirectory): void {
  addRoute(app, {
    method: 'PUT',
    url: `${BASE}/:id`,
    access: 'admin',
    tags: TAGS,
    summary: 'Replace an agent',
    description: 'Credentials without a password keep the stored HA1 if the username is unchanged.',
    params: AgentIdParams,
    body: AgentReplace,
    response: AgentView,
    otherResponses: writeErrors,
    handler: ({ params, body }) => view(() => directory.replace(params.id, body)),
  });
  addRoute(app, {
    method: 'PATCH',
    url: `${BASE}/:id`,
    access: 'admin',
    tags: TAGS,
    summary: 'Change some fields of an agent',
    description: 'Fields present replace the stored ones; null removes presenceUri or auth.',
    params: AgentIdParams,
    body: AgentPatch,
    response: AgentView,
    otherResponses: writeErrors,
    handler: ({ params, body }) => view(() => directory.patch(params.id, body)),
  });
  addRoute(app, {
    method: 'DELETE',
    url: `${BASE}/:id`,
    access: 'admin',
    tags: TAGS,
    summary: 'Delete an agent (its registrations go with it)',
    params: AgentIdParams,
    response: AgentView,
    otherResponses: notFound,
    handler: ({ params }) => view(() => directory.remove(params.id)),
  });
}

/**
 * After a call, the agent (its own id only) or a supervisor makes the caller a personal customer
 * (issue 5: the personal-manager link made permanent).
 */
function registerCustomerRoute(app: HttpApp, directory: AgentDirectory): void {
  addRoute(app, {
    method: 'POST',
    url: `${BASE}/:id/customers`,
    access: 'agent',
    tags: TAGS,
    summary: 'Make a caller number a personal customer of the agent',
    description: 'Idempotent; 409 when the number is another agent’s customer. Agent tokens: own id only.',
    params: AgentIdParams,
    body: AgentCustomerBody,
    response: AgentView,
    otherResponses: { ...writeErrors, 403: ErrorBodySchema },
    handler: ({ params, body, principal }) => {
      if (principal?.role === 'agent' && principal.agentId !== params.id)
        throw new ForbiddenError('an agent token may only add its own customers');
      return view(() => directory.addCustomer(params.id, body.number));
    },
  });
}
