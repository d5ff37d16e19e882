/** Named errors of gateway administration (the REST layer maps them to 404 / 409 / 400). */
import type { GatewayIssue } from '../model/gateway-issues.js';

export class GatewayNotFoundError extends Error {
  override readonly name = 'GatewayNotFoundError';
  readonly code = 'gateway-not-found';
  constructor(readonly gatewayId: string) {
    super(`no gateway '${gatewayId}'`);
  }
}

export type GatewayConflictCode = 'gateway-exists' | 'config-gateway' | 'username-taken';

export class GatewayConflictError extends Error {
  override readonly name = 'GatewayConflictError';
  constructor(
    readonly code: GatewayConflictCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The gateway breaks a rule the schema cannot express (paths relative to the gateway, e.g. `/sources/0`). */
export class InvalidGatewayError extends Error {
  override readonly name = 'InvalidGatewayError';
  readonly code = 'invalid-gateway';
  constructor(readonly issues: readonly GatewayIssue[]) {
    super(`invalid gateway: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
  }
}
