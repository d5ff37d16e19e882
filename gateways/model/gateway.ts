/**
 * The gateway as the rest of the code sees it: the validated spec, read-only. Functions elsewhere
 * take the narrow `Pick` they need, so tests build small objects.
 */
import type { GatewaySpecData } from './gateway-schema.js';

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export type Gateway = DeepReadonly<GatewaySpecData>;

/**
 * A gateway as the running system holds it: the spec without the digest password (gateways stored
 * in the database keep only HA1, RFC 7616 §3.4.2). Every `Gateway` is one.
 */
export type GatewaySettings = Omit<Gateway, 'auth'> & { readonly auth?: { readonly username: string } };

/** True when the gateway can be reached for outbound calls and OPTIONS pings. */
export function hasTarget(g: Pick<Gateway, 'host'>): boolean {
  return g.host !== undefined;
}
