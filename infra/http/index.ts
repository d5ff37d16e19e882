/** Public surface of infra/http/: the server factory, route helper, error catalogue, readiness. */
export { createHttpServer } from './server.js';
export type { HttpServerDeps } from './server.js';
export { addRoute, routeSchema } from './route.js';
export type { HttpMethod, RouteContext, RouteSpec } from './route.js';
export { Authenticator, roleAllows } from './auth.js';
export type { Access, Principal } from './auth.js';
export * from './errors.js';
export { errorBody, ErrorBodySchema, httpStatusOf, toApiError } from './http-errors.js';
export type { ErrorBody } from './http-errors.js';
export { Readiness } from './readiness.js';
export type { CheckOutcome, ComponentReadiness, ReadinessCheck, ReadinessReport } from './readiness.js';
export { TOPICS_PATTERN } from './topics.js';
