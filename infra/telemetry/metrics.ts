/**
 * THE module declaring patchbay's Prometheus metrics (prom-client). Labels stay low-cardinality:
 * route templates (never raw URLs), status classes, component names; never call ids or numbers.
 *
 * Process metrics come from `collectDefaultMetrics`, which also samples event-loop delay with
 * perf_hooks `monitorEventLoopDelay` (nodejs_eventloop_lag_{min,max,mean,p50,p90,p99}_seconds,
 * reset at each scrape). Later features add their metrics to `createMetrics` here.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly http: {
    /** Requests by method, route template (`/api/v1/status`, `unmatched`) and status class (`2xx`). */
    requests: Counter<'method' | 'route' | 'status'>;
    duration: Histogram<'method' | 'route'>;
  };
  readonly ws: {
    /** Open event-stream WebSockets. */
    connections: Gauge;
    /** Bus envelopes written to WebSockets. */
    eventsSent: Counter;
    /** Envelopes not delivered, by reason (`backpressure`, `send-error`). */
    eventsDropped: Counter<'reason'>;
  };
  /** 1 when a readiness check passed at its last evaluation, else 0. */
  readonly componentReady: Gauge<'component'>;
  /** Prometheus text exposition of every metric. */
  text(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsOptions {
  /** Event-loop delay sampling resolution in ms (default 10). */
  eventLoopResolutionMs?: number;
}

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({
    register: registry,
    eventLoopMonitoringPrecision: opts.eventLoopResolutionMs ?? 10,
  });
  const registers = [registry];
  return {
    registry,
    http: {
      requests: new Counter({
        name: 'patchbay_http_requests_total',
        help: 'HTTP requests handled',
        labelNames: ['method', 'route', 'status'] as const,
        registers,
      }),
      duration: new Histogram({
        name: 'patchbay_http_request_duration_seconds',
        help: 'HTTP request handling time',
        labelNames: ['method', 'route'] as const,
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers,
      }),
    },
    ws: {
      connections: new Gauge({
        name: 'patchbay_ws_connections',
        help: 'Open event-stream WebSockets',
        registers,
      }),
      eventsSent: new Counter({
        name: 'patchbay_ws_events_sent_total',
        help: 'Events sent on WebSockets',
        registers,
      }),
      eventsDropped: new Counter({
        name: 'patchbay_ws_events_dropped_total',
        help: 'Events not delivered to a WebSocket',
        labelNames: ['reason'] as const,
        registers,
      }),
    },
    componentReady: new Gauge({
      name: 'patchbay_component_ready',
      help: 'Readiness of each component at its last check (1 ready, 0 not)',
      labelNames: ['component'] as const,
      registers,
    }),
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
