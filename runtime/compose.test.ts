/**
 * startPatchbay() in this process (embedded engine worker, in-memory PGlite, in-process bus): while
 * the shutdown waits for calls to drain, new INVITEs get 503 + Retry-After and readiness turns
 * 503; once the calls end the remaining phases run in order. Also the reported endpoints.
 */
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { parseConfig } from '../config/index.js';
import type { PatchbayConfig } from '../config/index.js';
import { scenarioPorts, scenarioYaml, sipHeader, sipRequest } from '../test-support/patchbay-scenario.js';
import { statusOf, UdpProbe } from '../test-support/udp-probe.js';
import { waitFor } from '../test-support/wait.js';
import type { RouterActivity } from './activity.js';
import { startPatchbay } from './compose.js';
import { createLogger } from '../infra/telemetry/index.js';
import type { Logger } from '../infra/telemetry/index.js';

function config(yaml: string): PatchbayConfig {
  const r = parseConfig({ text: yaml, env: {} });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
}

/** One call in progress until `end()`. */
function oneCall(): RouterActivity & { end(): void } {
  let active = 1;
  let idle: () => void = () => undefined;
  const whenIdle = new Promise<void>((resolve) => (idle = resolve));
  return {
    activeCalls: () => active,
    whenCallsIdle: () => whenIdle,
    terminateSubscriptions: () => Promise.resolve(),
    end: () => {
      active = 0;
      idle();
    },
  };
}

/** A real pino logger writing its JSON lines into `lines`. */
function capturingLogger(cfg: PatchbayConfig, lines: { msg?: string }[]): Logger {
  return createLogger(cfg, {
    write: (line: string) => void lines.push(JSON.parse(line) as { msg?: string }),
  });
}

t.test('draining: INVITE → 503 Retry-After, readiness 503; then the phases finish in order', async (t) => {
  const ports = await scenarioPorts();
  const cfg = config(scenarioYaml(`compose-${process.pid}`, ports, 'database: { path: "memory://" }'));
  const calls = oneCall();
  const lines: { msg?: string }[] = [];
  const runtime = await startPatchbay(cfg, {
    logger: capturingLogger(cfg, lines),
    activity: calls,
    shutdown: { phaseTimeoutsMs: { 'drain-calls': 4000 } },
  });
  t.teardown(() => runtime.stop('teardown'));
  t.same(
    runtime.sip.endpoints.map((e) => `${e.protocol}/${e.address}:${e.port}`),
    [`udp/127.0.0.1:${ports.sip}`, `tcp/127.0.0.1:${ports.sip}`],
  );
  t.equal(runtime.sip.adminPort, ports.admin);
  t.equal(runtime.http.url, `http://127.0.0.1:${ports.http}`);
  t.same([runtime.database.kind, runtime.bus.kind, runtime.state], ['pglite', 'memory', 'running']);
  t.ok(
    lines.some((l) => l.msg?.startsWith('patchbay started: SIP udp/127.0.0.1:')),
    'logs where it listens',
  );

  const stopping = runtime.stop('test');
  await waitFor(() => runtime.state === 'drain-calls', { timeoutMs: 5000, what: 'drain-calls phase' });
  const probe = await UdpProbe.open();
  t.teardown(() => probe.close());
  const callId = randomUUID();
  const uri = `sip:99999@127.0.0.1:${ports.sip}`;
  await probe.send(
    sipRequest('INVITE', uri, probe.port, callId, `z9hG4bK-d${callId.slice(0, 8)}`),
    ports.sip,
  );
  const refused = await probe.waitFor((m) => m.includes(callId) && statusOf(m) === 503, 10000, '503');
  t.equal(sipHeader(refused, 'Retry-After'), '30', 'RFC 3261 §21.5.4: 503 with Retry-After');
  const ready = await fetch(`${runtime.http.url}/health/ready`);
  t.equal(ready.status, 503, 'not ready while draining');
  t.same(((await ready.json()) as { failing: string[] }).failing, ['admission']);
  t.equal(runtime.state, 'drain-calls', 'still waiting for the call');

  calls.end();
  const report = await stopping;
  t.equal(runtime.state, 'stopped');
  t.ok(report.clean, 'clean');
  t.same(
    report.phases.map((p) => `${p.phase}:${p.outcome}`),
    [
      'stop-admitting:done',
      'drain-calls:done',
      'terminate-subscriptions:done',
      'close-http:done',
      'disconnect-sip:done',
      'stop-engine:done',
      'drain-bus:done',
      'close-database:done',
    ],
  );
  t.equal(await runtime.stop('again'), report, 'stop() is idempotent');
  await t.rejects(fetch(`${runtime.http.url}/health/live`), 'HTTP is closed');
});
