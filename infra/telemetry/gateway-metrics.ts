/**
 * Prometheus metrics of gateways (issue 5 item 1), declared beside `metrics.ts` and registered in
 * the same registry. The `gateway` label is an operator-defined gateway id: gateways are few (tens),
 * so it stays bounded; `reason` is a fixed list (gateways/service/invite-view.ts RefuseReason).
 */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

export interface GatewayMetrics {
  /** INVITEs refused by gateway admission, by reason (unknown-source, gateway-full, ...). */
  readonly rejected: Counter<'reason'>;
  /** 1 while the gateway is in service per its OPTIONS health checks, else 0. */
  readonly up: Gauge<'gateway'>;
  /** Calls holding a concurrency slot of the gateway on this node. */
  readonly activeCalls: Gauge<'gateway'>;
}

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const registers = [registry];
  return {
    rejected: new Counter({
      name: 'patchbay_gateway_rejected_total',
      help: 'INVITEs refused by gateway admission',
      labelNames: ['reason'] as const,
      registers,
    }),
    up: new Gauge({
      name: 'patchbay_gateway_up',
      help: 'Gateway in service per OPTIONS health checks (1 in service, 0 not)',
      labelNames: ['gateway'] as const,
      registers,
    }),
    activeCalls: new Gauge({
      name: 'patchbay_gateway_active_calls',
      help: 'Calls holding a concurrency slot of the gateway on this node',
      labelNames: ['gateway'] as const,
      registers,
    }),
  };
}
