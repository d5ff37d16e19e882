/** Public surface of infra/telemetry/: logging (pino) and metrics (prom-client). */
export { createLogger, componentLogger, callLogger, REDACT_PATHS, REDACT_CENSOR } from './logger.js';
export type { Logger, LoggerConfig } from './logger.js';
export { createMetrics } from './metrics.js';
export type { Metrics, MetricsOptions } from './metrics.js';
export { createCallMetrics } from './call-metrics.js';
export type { CallMetrics } from './call-metrics.js';
