/**
 * Event types of gateways (issue 5): OPTIONS health changes (topic suffix: the gateway id), published
 * by the node that pings, and changes to the gateways stored in the database, so every node rebuilds
 * its in-memory directory (inbound admission never queries the database).
 */
import { Type } from '@sinclair/typebox';
import { defineEvent } from './catalogue-define.js';

const HEALTH_STATES = ['up', 'suspect', 'down', 'recovering'] as const;
const health = Type.Union(HEALTH_STATES.map((s) => Type.Literal(s)));

export const GATEWAY_EVENTS = {
  /** A gateway's OPTIONS health state changed (gateways/model/health-machine.ts). */
  gatewayHealth: defineEvent(
    'gateway.health',
    Type.Object({
      gatewayId: Type.String(),
      from: health,
      to: health,
      /** up and suspect are in service; down and recovering are not. */
      inService: Type.Boolean(),
      failures: Type.Integer({ minimum: 0 }),
      at: Type.String({ description: 'ISO-8601 time of the change' }),
    }),
  ),
  /** A database-stored gateway was created, replaced or deleted (topic suffix: the gateway id). */
  gatewayChanged: defineEvent(
    'gateway.changed',
    Type.Object({
      gatewayId: Type.String(),
      change: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('deleted')]),
      version: Type.Integer({ minimum: 0 }),
    }),
  ),
};
