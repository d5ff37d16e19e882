/**
 * pino logger factory: one root logger per process (bound to the node id), child loggers per
 * component and per call/subscription, and redaction of secret-looking fields at any depth pino
 * supports (top level, one and two levels down). Log `redactConfig(cfg)`, never the raw config.
 */
import { pino } from 'pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import type { LogLevel } from '../../config/index.js';

/** The logger type the rest of the code base uses (pino is imported only here). */
export type Logger = PinoLogger;

export const REDACT_CENSOR = '[redacted]';

const SECRET_KEYS = ['secret', 'password', 'token', 'authorization', 'cookie', 'apiKey'];

/** Field paths pino censors: each secret key at the top level, one and two levels down, and request headers. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

export interface LoggerConfig {
  log: { level: LogLevel };
  node: { id: string };
}

/** Root logger; pass the whole PatchbayConfig or just its `log` and `node` sections. */
export function createLogger(cfg: LoggerConfig, destination?: DestinationStream): Logger {
  const options = {
    level: cfg.log.level,
    base: { node: cfg.node.id },
    redact: { paths: [...REDACT_PATHS], censor: REDACT_CENSOR },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A child logger for one component (`http`, `sip-engine`, `router`, ...). */
export function componentLogger(parent: Logger, component: string): Logger {
  return parent.child({ component });
}

/** A child logger for one call (or any long-lived unit: a subscription, a chat), bound to its id. */
export function callLogger(parent: Logger, callId: string, bindings: Record<string, string> = {}): Logger {
  return parent.child({ callId, ...bindings });
}
