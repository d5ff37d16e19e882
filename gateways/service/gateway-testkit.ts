/** Test helpers: gateways from partial specs with the schema's defaults, and a header view. */
import { Value } from '@sinclair/typebox/value';
import { GatewaySpec } from '../model/gateway-schema.js';
import type { Gateway } from '../model/gateway.js';
import type { HeaderView } from '../policy/party-headers.js';
import type { InviteView } from './invite-view.js';
import { liveFromSpec } from './live-gateway.js';
import type { LiveGateway } from './live-gateway.js';

export const REALM = 'cc.example.com';

/** A schema-valid gateway (defaults filled); throws on an invalid one so tests fail loudly. */
export function gatewaySpec(partial: Record<string, unknown>): Gateway {
  const g: unknown = Value.Default(GatewaySpec, { name: 'test gateway', kind: 'pstn', ...partial });
  if (!Value.Check(GatewaySpec, g))
    throw new Error(`bad test gateway: ${JSON.stringify([...Value.Errors(GatewaySpec, g)])}`);
  return g;
}

export function liveGateway(partial: Record<string, unknown>): LiveGateway {
  return liveFromSpec(gatewaySpec(partial), REALM, 'config', 0);
}

export function headerView(headers: Record<string, string>): HeaderView {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name) => lower.get(name.toLowerCase()) };
}

export function invite(o: {
  from: string;
  requestUri?: string;
  headers?: Record<string, string>;
  authorization?: string;
}): InviteView {
  return {
    sourceAddress: o.from,
    sourcePort: 5060,
    transport: 'udp',
    requestUri: o.requestUri ?? 'sip:0301234567@pb.example.com',
    headers: headerView({ From: '<sip:0891234567@carrier.example>;tag=1', ...o.headers }),
    ...(o.authorization !== undefined ? { authorization: o.authorization } : {}),
  };
}
