/**
 * Public surface of gateways/: schemas, the run-time service (inbound admission, health, outbound
 * plan), the catalog (config + database), the SIP helpers and the REST routes.
 *
 * For an INVITE handler:
 *   const result = gateways.admitInvite(inviteViewOf(req));
 *   if (result.kind === 'refuse') return sendRefusal(res, result);
 *   // result.gatewayId, result.caller, result.dialled; result.release() when the call ends
 */
export { GatewaySpec, NumberingSchema } from './model/gateway-schema.js';
export type { GatewaySpecData, GatewayKind, GatewayTransport } from './model/gateway-schema.js';
export type { Gateway, GatewaySettings } from './model/gateway.js';
export { gatewayIssues } from './model/gateway-issues.js';
export type { GatewayIssue } from './model/gateway-issues.js';
export type { AttemptOutcome, OutcomeClass } from './model/outbound-attempts.js';
export { GatewayService } from './service/gateway-service.js';
export type {
  GatewayHealthChange,
  GatewayObserver,
  GatewayServiceDeps,
  GatewayStatus,
} from './service/gateway-service.js';
export type { AdmitResult, CallerParty, InviteView, RefuseReason } from './service/invite-view.js';
export type { OutboundLease, OutboundTarget } from './service/outbound-plan.js';
export type { LiveGateway } from './service/live-gateway.js';
export { GatewayCatalog } from './service/gateway-catalog.js';
export type { LoadReport } from './service/gateway-catalog.js';
export { GatewayConflictError, GatewayNotFoundError, InvalidGatewayError } from './service/errors.js';
export { createGatewayRepository } from './store/gateway-repository.js';
export { inviteViewOf, sendRefusal, srfAdmitInbound } from './sip/srf-invite.js';
export type { AdmittedCall } from './sip/srf-invite.js';
export { createOptionsProbe } from './sip/options-probe.js';
export { dialThroughGateways } from './sip/dial-through-gateways.js';
export type { DialOptions, DialResult } from './sip/dial-through-gateways.js';
export { registerGatewayRoutes } from './http/gateway-routes.js';
