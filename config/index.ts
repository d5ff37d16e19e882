/** Public surface of config/: the schema, the loader, redaction and the engine mapping. */
export { ConfigSchema, LOG_LEVELS, ROLES } from './schema.js';
export type { ApiTokenConfig, ConfigData, DeepReadonly, LogLevel, PatchbayConfig, Role } from './schema.js';
export { loadConfig, parseConfig, requireConfig, deepFreeze } from './load.js';
export type { ConfigResult, Env, LoadOptions, ParseOptions } from './load.js';
export { ConfigError, formatIssue, formatIssues } from './errors.js';
export type { ConfigIssue, IssueSource } from './errors.js';
export { ENV_PREFIX } from './env.js';
export { redactConfig, redactUrl, REDACTED } from './redact.js';
export { toEngineConfig } from './engine.js';
