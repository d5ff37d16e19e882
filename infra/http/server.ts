/**
 * Builds the HTTP/WebSocket server (fastify 5), not listening: callers `listen()` it, tests
 * `inject()` it. Routes: /api/v1/* (REST, bearer tokens with roles), /api/v1/events (WebSocket bus
 * stream), /api/docs (OpenAPI 3.1 JSON), /metrics, /health/live, /health/ready. Later features add
 * routes with `addRoute(app, {...})` before calling `listen()`.
 */
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import { fastify, LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { PatchbayConfig } from '../../config/index.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import { systemClock } from '../../sip-engine/util/clock.js';
import type { EventBus } from '../bus/types.js';
import { componentLogger } from '../telemetry/index.js';
import type { Logger, Metrics } from '../telemetry/index.js';
import { Authenticator } from './auth.js';
import { installErrorHandling } from './http-errors.js';
import type { Readiness } from './readiness.js';
import { registerDocsRoute } from './routes/docs.js';
import { registerEventsRoute } from './routes/events.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { registerStatusRoute } from './routes/status.js';
import { typeboxValidatorCompiler } from './validator.js';
import { packageVersion } from './version.js';

export interface HttpServerDeps {
  config: PatchbayConfig;
  logger: Logger;
  metrics: Metrics;
  bus: EventBus;
  readiness: Readiness;
  clock?: Clock;
  /** Reported by /api/v1/status and the OpenAPI document (default: package.json version). */
  version?: string;
  /** Close an event-stream socket that has more than this queued unsent (default 1 MiB). */
  wsMaxBufferedBytes?: number;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

export async function createHttpServer(deps: HttpServerDeps): Promise<FastifyInstance> {
  const version = deps.version ?? packageVersion();
  const log = componentLogger(deps.logger, 'http');
  const loggerInstance: FastifyBaseLogger = log; // fastify's logger interface (keeps the instance type plain)
  const app = fastify({
    loggerInstance,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.config.http.bodyLimitBytes,
  });
  app.setValidatorCompiler(typeboxValidatorCompiler);
  app.decorate('authenticator', new Authenticator(deps.config.http.tokens));
  app.decorateRequest('principal', null);
  installErrorHandling(app);
  installRequestMetrics(app, deps.metrics);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'patchbay API', version, description: 'Contact-center routing server API' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  registerHealthRoutes(app, deps.readiness, deps.metrics);
  registerMetricsRoute(app, deps.metrics);
  registerDocsRoute(app);
  registerStatusRoute(app, {
    nodeId: deps.config.node.id,
    version,
    clock: deps.clock ?? systemClock,
    readiness: deps.readiness,
  });
  registerEventsRoute(app, {
    bus: deps.bus,
    logger: log,
    metrics: deps.metrics,
    ...(deps.wsMaxBufferedBytes !== undefined ? { maxBufferedBytes: deps.wsMaxBufferedBytes } : {}),
  });
  return app;
}

/** Counts and times every request by route template (never the raw URL: low cardinality). */
function installRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const method = METHODS.has(request.method) ? request.method : 'other';
    const status = `${Math.floor(reply.statusCode / 100)}xx`;
    metrics.http.requests.inc({ method, route, status });
    metrics.http.duration.observe({ method, route }, reply.elapsedTime / 1000);
    request.log.debug(
      { method, route, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
    done();
  });
}
