/** `GET /metrics`: Prometheus text exposition (public, like every scrape target). */
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../telemetry/index.js';
import { routeSchema } from '../route.js';

export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics): void {
  app.route({
    method: 'GET',
    url: '/metrics',
    schema: {
      ...routeSchema({ access: 'public', summary: 'Prometheus metrics (text format)', tags: ['health'] }),
      produces: ['text/plain'],
    },
    handler: async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()),
  });
}
