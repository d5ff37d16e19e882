/**
 * Public surface of the SIP engine: start it in this thread ({@link startEngine}) or on a worker
 * thread ({@link startEngineWorker}), its configuration and its metrics.
 */
export { startEngine, formatHostports, ENGINE_VERSION } from './engine.js';
export type { EngineHandle, EngineOptions, EngineStats, LocalEngineHandle } from './engine.js';
export { startEngineWorker, EngineWorkerError } from './worker.js';
export type { EngineWorkerHandle, EngineWorkerOptions } from './worker.js';
export { DEFAULT_ENGINE_CONFIG } from './config.js';
export type { EngineConfig, EngineContact, EngineTlsConfig } from './config.js';
export { createEngineMetrics } from './metrics.js';
export type { EngineMetrics, EngineGaugeSource } from './metrics.js';
export type { CoreLogger } from './core/logger.js';
