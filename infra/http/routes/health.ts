/**
 * Liveness and readiness probes (public). `/health/live` answers 200 while the process runs;
 * `/health/ready` answers 200 only when every registered readiness check passes, else 503 naming
 * the failing components. Each evaluation also updates the `patchbay_component_ready` gauge.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../telemetry/index.js';
import type { Readiness } from '../readiness.js';
import { addRoute } from '../route.js';

export const ComponentSchema = Type.Object({
  name: Type.String(),
  ready: Type.Boolean(),
  detail: Type.Optional(Type.String()),
});

const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not-ready')]),
  failing: Type.Array(Type.String(), { description: 'Names of the components whose check failed' }),
  components: Type.Array(ComponentSchema),
});

export function registerHealthRoutes(app: FastifyInstance, readiness: Readiness, metrics: Metrics): void {
  addRoute(app, {
    method: 'GET',
    url: '/health/live',
    access: 'public',
    summary: 'Liveness: 200 while the process runs',
    tags: ['health'],
    response: Type.Object({ status: Type.Literal('live') }),
    handler: () => ({ status: 'live' as const }),
  });
  addRoute(app, {
    method: 'GET',
    url: '/health/ready',
    access: 'public',
    summary: 'Readiness: 200 when every component is ready, else 503',
    tags: ['health'],
    response: Ready,
    otherResponses: { 503: Ready },
    handler: async ({ reply }) => {
      const report = await readiness.evaluate();
      for (const c of report.components) metrics.componentReady.set({ component: c.name }, c.ready ? 1 : 0);
      if (!report.ready) reply.code(503);
      return {
        status: report.ready ? ('ready' as const) : ('not-ready' as const),
        failing: report.components.filter((c) => !c.ready).map((c) => c.name),
        components: report.components,
      };
    },
  });
}
