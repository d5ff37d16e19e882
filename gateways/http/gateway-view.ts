/**
 * REST schemas of /api/v1/gateways: bodies are the config's GatewaySpec (same validation); the view
 * is the gateway without its password, where it comes from, and its live status.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { ID_PATTERN } from '../../config/schema-helpers.js';
import { GatewaySpec } from '../model/gateway-schema.js';
import type { GatewayStatus } from '../service/gateway-service.js';

const Health = Type.Union(
  (['up', 'suspect', 'down', 'recovering', 'unmonitored'] as const).map((s) => Type.Literal(s)),
  { description: 'OPTIONS health; unmonitored without host or with health checks off' },
);

const LiveStatus = Type.Object(
  {
    health: Health,
    inService: Type.Boolean({ description: 'Taken for outbound calls (up or suspect, or unmonitored)' }),
    activeCalls: Type.Integer({ minimum: 0, description: 'Calls holding a slot on this node' }),
    maxConcurrentCalls: Type.Integer({ minimum: 0, description: '0 = unlimited' }),
  },
  { additionalProperties: false },
);

export const GatewayView = Type.Object(
  {
    ...Type.Omit(GatewaySpec, ['auth']).properties,
    auth: Type.Optional(
      Type.Object({ username: Type.String() }, { additionalProperties: false, description: 'No password' }),
    ),
    origin: Type.Union([Type.Literal('config'), Type.Literal('api')], {
      description: 'config: from the config file (read-only here); api: stored in the database',
    }),
    version: Type.Integer({ minimum: 0, description: '0 for config gateways' }),
    status: LiveStatus,
  },
  { additionalProperties: false, description: 'A gateway with its live status' },
);
export type GatewayViewData = Static<typeof GatewayView>;

export const GatewayList = Type.Object({ gateways: Type.Array(GatewayView) });
export const GatewayIdParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN }) });
export const GatewayBody = GatewaySpec;

export function toView(s: GatewayStatus): GatewayViewData {
  const { origin, version, ha1: _ha1, ...settings } = s.gateway;
  return {
    ...(settings as Omit<GatewayViewData, 'origin' | 'version' | 'status'>),
    origin,
    version,
    status: {
      health: s.health,
      inService: s.inService,
      activeCalls: s.activeCalls,
      maxConcurrentCalls: s.gateway.maxConcurrentCalls,
    },
  };
}
