/**
 * sip.mode external: the router connects to a drachtio server it did not start (here an engine run
 * by the test) and answers through it; patchbay's shutdown leaves that server running.
 * (An unreachable drachtio server is covered as a process in start-unreachable.test.ts: connectSrf
 * leaks a reconnecting socket when it fails, which would keep this test process alive.)
 */
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { parseConfig } from '../config/index.js';
import type { PatchbayConfig } from '../config/index.js';
import { createLogger } from '../infra/telemetry/index.js';
import { startEngine } from '../sip-engine/engine.js';
import { loopbackEngineConfig } from '../test-support/engine-process.js';
import { sipRequest } from '../test-support/patchbay-scenario.js';
import { freePorts } from '../test-support/ports.js';
import { statusOf, UdpProbe } from '../test-support/udp-probe.js';
import { waitFor } from '../test-support/wait.js';
import { startPatchbay } from './compose.js';

function externalConfig(adminPort: number, httpPort: number): PatchbayConfig {
  const yaml = [
    `node: { id: compose-external-${process.pid} }`,
    'sip:',
    '  mode: external',
    `  servers: [{ host: 127.0.0.1, port: ${adminPort}, secret: cymru }]`,
    'database: { path: "memory://" }',
    `http: { host: 127.0.0.1, port: ${httpPort} }`,
    'log: { level: warn }',
  ].join('\n');
  const r = parseConfig({ text: yaml, env: {} });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
}

t.test(
  'external drachtio server: OPTIONS answered by the router; the server outlives patchbay',
  async (t) => {
    const [sipPort, adminPort, httpPort] = (await freePorts(3)) as [number, number, number];
    const engine = await startEngine(
      loopbackEngineConfig([`sip:127.0.0.1:${sipPort};transport=udp`], adminPort),
    );
    t.teardown(() => engine.stop());
    const cfg = externalConfig(adminPort, httpPort);
    const runtime = await startPatchbay(cfg, { logger: createLogger(cfg) });
    t.teardown(() => runtime.stop('teardown'));
    t.same(runtime.sip, { mode: 'external', endpoints: [], servers: [`127.0.0.1:${adminPort}`] });
    await waitFor(() => engine.routedVerbs().length === 5, { timeoutMs: 5000, what: 'routes' });
    t.same(
      engine.routedVerbs().sort(),
      ['invite', 'options', 'publish', 'register', 'subscribe'],
      'the router, the embedded registrar and presence server routed their verbs on the server',
    );

    const probe = await UdpProbe.open();
    t.teardown(() => probe.close());
    const callId = randomUUID();
    const options = sipRequest(
      'OPTIONS',
      `sip:127.0.0.1:${sipPort}`,
      probe.port,
      callId,
      `z9hG4bK-x${callId.slice(0, 8)}`,
    );
    await probe.send(options, sipPort);
    const reply = await probe.waitFor((m) => m.includes(callId), 10000, 'OPTIONS reply');
    t.equal(statusOf(reply), 200);

    const report = await runtime.stop('test');
    t.ok(report.clean);
    t.equal(report.phases.find((p) => p.phase === 'stop-engine')?.outcome, 'skipped', 'not ours to stop');
    t.same(engine.routedVerbs(), [], 'routes gone with the connection');
  },
);
