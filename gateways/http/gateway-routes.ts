/**
 * REST routes under /api/v1/gateways: supervisors read (with live status: health, calls, limit),
 * admins create, replace and delete the gateways stored in the database. Config gateways are listed
 * but read-only (409). Bodies are the config's GatewaySpec; the rules the schema cannot express
 * come back as 400 with one detail per field. `toApiError` is THE mapping to HTTP.
 */
import {
  addRoute,
  ConflictError,
  ErrorBodySchema,
  NotFoundError,
  ValidationError,
} from '../../infra/http/index.js';
import { GatewayConflictError, GatewayNotFoundError, InvalidGatewayError } from '../service/errors.js';
import type { GatewayCatalog } from '../service/gateway-catalog.js';
import type { GatewayService } from '../service/gateway-service.js';
import type { LiveGateway } from '../service/live-gateway.js';
import { GatewayBody, GatewayIdParams, GatewayList, GatewayView, toView } from './gateway-view.js';
import type { GatewayViewData } from './gateway-view.js';

type HttpApp = Parameters<typeof addRoute>[0];

const BASE = '/api/v1/gateways';
const TAGS = ['gateways'];
const notFound = { 404: ErrorBodySchema };
const writeErrors = { 404: ErrorBodySchema, 409: ErrorBodySchema };

export function toApiError(err: unknown): unknown {
  if (err instanceof GatewayNotFoundError) return new NotFoundError(err.message, { cause: err });
  if (err instanceof GatewayConflictError) return new ConflictError(err.message, { cause: err });
  if (err instanceof InvalidGatewayError) {
    const details = err.issues.map((i) => ({
      path: `/body${i.path}`,
      message: i.hint !== undefined ? `${i.message} (${i.hint})` : i.message,
    }));
    return new ValidationError('invalid gateway', { cause: err, details });
  }
  return err;
}

export interface GatewayRouteDeps {
  catalog: GatewayCatalog;
  service: GatewayService;
}

export function registerGatewayRoutes(app: HttpApp, deps: GatewayRouteDeps): void {
  const view = (g: LiveGateway): GatewayViewData => {
    const status = deps.service.status(g.id);
    return toView(status ?? { gateway: g, health: 'unmonitored', inService: true, activeCalls: 0 });
  };
  const run = async (work: () => LiveGateway | Promise<LiveGateway>): Promise<GatewayViewData> => {
    try {
      return view(await work());
    } catch (err) {
      throw toApiError(err);
    }
  };
  const { catalog } = deps;
  addRoute(app, {
    method: 'GET',
    url: BASE,
    access: 'supervisor',
    tags: TAGS,
    summary: 'List gateways with their live status',
    response: GatewayList,
    handler: () => ({ gateways: catalog.list().map(view) }),
  });
  addRoute(app, {
    method: 'GET',
    url: `${BASE}/:id`,
    access: 'supervisor',
    tags: TAGS,
    summary: 'Get one gateway with its live status',
    params: GatewayIdParams,
    response: GatewayView,
    otherResponses: notFound,
    handler: ({ params }) => run(() => catalog.get(params.id)),
  });
  registerWrites(app, catalog, run);
}

function registerWrites(
  app: HttpApp,
  catalog: GatewayCatalog,
  run: (work: () => Promise<LiveGateway>) => Promise<GatewayViewData>,
): void {
  addRoute(app, {
    method: 'POST',
    url: BASE,
    access: 'admin',
    tags: TAGS,
    summary: 'Create a gateway (stored in the database)',
    description: 'A digest password is stored as HA1 (MD5 and SHA-256) and never returned.',
    body: GatewayBody,
    response: GatewayView,
    status: 201,
    otherResponses: { 409: ErrorBodySchema },
    handler: async ({ body, reply }) => {
      const created = await run(() => catalog.create(body));
      void reply.header('location', `${BASE}/${encodeURIComponent(created.id)}`);
      return created;
    },
  });
  addRoute(app, {
    method: 'PUT',
    url: `${BASE}/:id`,
    access: 'admin',
    tags: TAGS,
    summary: 'Replace a stored gateway',
    description: 'The whole gateway, digest password included when it has auth.',
    params: GatewayIdParams,
    body: GatewayBody,
    response: GatewayView,
    otherResponses: writeErrors,
    handler: ({ params, body }) => run(() => catalog.replace(params.id, body)),
  });
  addRoute(app, {
    method: 'DELETE',
    url: `${BASE}/:id`,
    access: 'admin',
    tags: TAGS,
    summary: 'Delete a stored gateway (calls in progress go on)',
    params: GatewayIdParams,
    response: GatewayView,
    otherResponses: writeErrors,
    handler: ({ params }) => run(() => catalog.remove(params.id)),
  });
}
