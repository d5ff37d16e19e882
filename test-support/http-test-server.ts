/**
 * Test fixture for HTTP routes (infra/http and later features): a config with one token per role and
 * a server (not listening) around the real in-process bus, a FakeClock and a fresh metrics registry.
 */
import type { FastifyInstance } from 'fastify';
import { parseConfig } from '../config/index.js';
import type { PatchbayConfig } from '../config/index.js';
import { FakeClock } from '../sip-engine/util/clock.js';
import { MemoryBus } from '../infra/bus/memory-bus.js';
import type { EventBus } from '../infra/bus/types.js';
import { createLogger, createMetrics } from '../infra/telemetry/index.js';
import type { Metrics } from '../infra/telemetry/index.js';
import { Readiness } from '../infra/http/readiness.js';
import { createHttpServer } from '../infra/http/server.js';

export const TOKENS = {
  admin: 'admin-token-0123456789',
  supervisor: 'supervisor-token-0123456789',
  agent: 'agent-token-0123456789',
} as const;

export const auth = (role: keyof typeof TOKENS): Record<string, string> => ({
  authorization: `Bearer ${TOKENS[role]}`,
});

export function testConfig(port = 0): PatchbayConfig {
  const text = `
node: { id: node-t1 }
http:
  port: ${port}
  tokens:
    - { token: ${TOKENS.admin}, role: admin }
    - { token: ${TOKENS.supervisor}, role: supervisor }
    - { token: ${TOKENS.agent}, role: agent, agentId: a17 }
`;
  const r = parseConfig({ text, env: {} });
  if (!r.ok) throw new Error(`test config invalid: ${JSON.stringify(r.issues)}`);
  return r.config;
}

export interface TestServer {
  app: FastifyInstance;
  bus: EventBus;
  clock: FakeClock;
  readiness: Readiness;
  metrics: Metrics;
  config: PatchbayConfig;
}

export async function buildTestServer(
  opts: { port?: number; bus?: EventBus; wsMaxBufferedBytes?: number } = {},
): Promise<TestServer> {
  const config = testConfig(opts.port ?? 0);
  const clock = new FakeClock();
  const readiness = new Readiness({ clock });
  const metrics = createMetrics();
  const bus = opts.bus ?? new MemoryBus({ nodeId: config.node.id, clock });
  const logger = createLogger({ log: { level: 'silent' }, node: { id: config.node.id } });
  const extra = opts.wsMaxBufferedBytes !== undefined ? { wsMaxBufferedBytes: opts.wsMaxBufferedBytes } : {};
  const app = await createHttpServer({
    config,
    logger,
    metrics,
    bus,
    readiness,
    clock,
    version: '9.9.9-test',
    ...extra,
  });
  return { app, bus, clock, readiness, metrics, config };
}
