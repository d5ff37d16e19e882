/**
 * The gateways a node runs with: the config's (the base, read-only through the API) and the
 * database's (CRUD through /api/v1/gateways), each without its password and with HA1 for digest
 * (RFC 7616 §3.4.2) in the digest realm. Pure: no I/O.
 */
import { computeStoredHa1 } from '../../presence/registrar/digest.js';
import type { StoredHa1 } from '../../presence/registrar/digest.js';
import type { Gateway, GatewaySettings } from '../model/gateway.js';
import { gatewayIssues } from '../model/gateway-issues.js';
import type { GatewayIssue } from '../model/gateway-issues.js';

export type GatewayOrigin = 'config' | 'api';

export type LiveGateway = GatewaySettings & {
  readonly origin: GatewayOrigin;
  /** 0 for config gateways; the row version for stored ones. */
  readonly version: number;
  /** Present when the gateway authenticates by digest. */
  readonly ha1?: StoredHa1;
};

/** The settings without the password (what is stored and shown). */
export function withoutPassword(g: Gateway): GatewaySettings {
  const { auth, ...rest } = g;
  return auth === undefined ? rest : { ...rest, auth: { username: auth.username } };
}

/** A config (or freshly written) gateway as it runs: HA1 computed for `realm`, password dropped. */
export function liveFromSpec(g: Gateway, realm: string, origin: GatewayOrigin, version: number): LiveGateway {
  const settings = withoutPassword(g);
  if (g.auth === undefined) return { ...settings, origin, version };
  return { ...settings, origin, version, ha1: computeStoredHa1(g.auth.username, realm, g.auth.password) };
}

/** Problems of the combined list (config first, then stored), paths relative to the combined list. */
export function combinedIssues(gateways: readonly LiveGateway[]): GatewayIssue[] {
  return gatewayIssues(gateways);
}
