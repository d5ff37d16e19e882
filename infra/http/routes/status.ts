/** `GET /api/v1/status`: node id, version, uptime and component readiness (any API role). */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../../sip-engine/util/clock.js';
import type { Readiness } from '../readiness.js';
import { addRoute } from '../route.js';
import { ComponentSchema } from './health.js';

export const StatusSchema = Type.Object({
  node: Type.String({ description: 'node.id from the config' }),
  version: Type.String(),
  uptimeS: Type.Number({ description: 'Seconds since the HTTP server was created' }),
  ready: Type.Boolean(),
  components: Type.Array(ComponentSchema),
});

export interface StatusDeps {
  nodeId: string;
  version: string;
  clock: Clock;
  readiness: Readiness;
}

export function registerStatusRoute(app: FastifyInstance, deps: StatusDeps): void {
  const startedMs = deps.clock.now();
  addRoute(app, {
    method: 'GET',
    url: '/api/v1/status',
    access: 'agent',
    summary: 'Node status',
    tags: ['status'],
    response: StatusSchema,
    handler: async () => {
      const report = await deps.readiness.evaluate();
      return {
        node: deps.nodeId,
        version: deps.version,
        uptimeS: Math.round((deps.clock.now() - startedMs) / 100) / 10,
        ready: report.ready,
        components: report.components,
      };
    },
  });
}
