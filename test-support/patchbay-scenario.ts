/**
 * The whole-process scenario shared by runtime/start-*.test.ts: start `patchbay start` on a temp
 * config, wait for /health/ready, check SIP over UDP (OPTIONS → 200; INVITE for an unknown number →
 * 100 then 404, ACKed), then SIGTERM and measure how long the process takes to end by itself.
 */
import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import { SHUTDOWN_PHASES } from '../runtime/shutdown.js';
import { freePorts } from './ports.js';
import { PatchbayProcess, waitForHttpStatus } from './patchbay-process.js';
import { sipText } from './sip-fixtures.js';
import { headerLines, statusOf, UdpProbe } from './udp-probe.js';

export interface ScenarioPorts {
  sip: number;
  admin: number;
  http: number;
}

export async function scenarioPorts(): Promise<ScenarioPorts> {
  const [sip, admin, http] = await freePorts(3);
  if (sip === undefined || admin === undefined || http === undefined) throw new Error('no free ports');
  return { sip, admin, http };
}

/** A config on loopback with embedded SIP; `extra` adds top-level YAML (database:, bus:). */
export function scenarioYaml(nodeId: string, ports: ScenarioPorts, extra: string): string {
  return [
    `node: { id: ${nodeId} }`,
    'sip:',
    '  mode: embedded',
    '  engine:',
    `    contacts: [{ uri: "sip:127.0.0.1:${ports.sip};transport=udp,tcp" }]`,
    `    admin: { address: 127.0.0.1, port: ${ports.admin}, secret: test-secret }`,
    'http:',
    '  host: 127.0.0.1',
    `  port: ${ports.http}`,
    'log: { level: info }',
    extra,
    '',
  ].join('\n');
}

/** The value of the first header `name` in a SIP message text. */
export const sipHeader = (text: string, name: string): string | undefined =>
  headerLines(text)
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1)
    .trim();

/** A minimal UDP request from a probe at 127.0.0.1:`probePort`. */
export function sipRequest(
  method: string,
  uri: string,
  probePort: number,
  callId: string,
  branch: string,
  extra: string[] = [],
): string {
  return sipText([
    `${method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${probePort};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:tester@127.0.0.1:${probePort}>;tag=t${callId.slice(0, 8)}`,
    `To: <${uri}>`,
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
    `Contact: <sip:tester@127.0.0.1:${probePort}>`,
    ...extra,
  ]);
}

/** OPTIONS → 200 with Allow; INVITE for an unknown number → 100 then 404, then our ACK. */
export async function checkSip(t: Test, sipPort: number): Promise<void> {
  const probe = await UdpProbe.open();
  t.teardown(() => probe.close());
  const target = `sip:127.0.0.1:${sipPort}`;
  const optionsId = randomUUID();
  await probe.send(
    sipRequest('OPTIONS', target, probe.port, optionsId, `z9hG4bK-o${optionsId.slice(0, 8)}`),
    sipPort,
  );
  const ok = await probe.waitFor(
    (m) => m.includes(optionsId) && statusOf(m) !== undefined,
    15000,
    'OPTIONS reply',
  );
  t.equal(statusOf(ok), 200, 'OPTIONS answered 200');
  t.match(sipHeader(ok, 'Allow') ?? '', /INVITE/, '200 lists INVITE in Allow');

  const inviteId = randomUUID();
  const branch = `z9hG4bK-i${inviteId.slice(0, 8)}`;
  const uri = `sip:99999@127.0.0.1:${sipPort}`;
  await probe.send(sipRequest('INVITE', uri, probe.port, inviteId, branch), sipPort);
  const notFound = await probe.waitFor((m) => m.includes(inviteId) && statusOf(m) === 404, 15000, '404');
  const replies = probe.received.filter((m) => m.includes(inviteId)).map(statusOf);
  t.ok(
    replies.indexOf(100) >= 0 && replies.indexOf(100) < replies.indexOf(404),
    `100 before 404 (${replies.join(',')})`,
  );
  // RFC 3261 §17.1.1.3: the ACK for a non-2xx final response reuses the INVITE's branch and the
  // response's To (with its tag).
  const to = sipHeader(notFound, 'To');
  t.match(to ?? '', /;tag=/, '404 carries a To tag');
  const ack = sipRequest('ACK', uri, probe.port, inviteId, branch).replace(/^To: .*$/m, `To: ${to ?? ''}`);
  await probe.send(ack, sipPort);
}

export interface StopResult {
  elapsedMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Sends SIGTERM and measures until the process has exited on its own. */
export async function stopAndMeasure(pb: PatchbayProcess, timeoutMs = 15000): Promise<StopResult> {
  const t0 = performance.now();
  pb.signal('SIGTERM');
  const exit = await pb.exitWithin(timeoutMs);
  return { elapsedMs: exit.atMs - t0, code: exit.code, signal: exit.signal };
}

/** Starts, waits for readiness, runs the SIP checks and stops; asserts a clean exit within 5 s. */
export async function runScenario(
  t: Test,
  yaml: string,
  ports: ScenarioPorts,
  dir?: string,
): Promise<PatchbayProcess> {
  const pb = PatchbayProcess.start(yaml, dir !== undefined ? { dir } : {});
  t.teardown(() => pb.cleanup());
  const started = await pb.waitForLog(/^patchbay started/, 90000);
  t.same(started.sip, [`udp/127.0.0.1:${ports.sip}`, `tcp/127.0.0.1:${ports.sip}`], 'logs where SIP listens');
  t.equal(started.http, `http://127.0.0.1:${ports.http}`, 'logs where HTTP listens');
  const ready = await waitForHttpStatus(`http://127.0.0.1:${ports.http}/health/ready`, 200, 30000);
  const body = (await ready.json()) as { components: { name: string; ready: boolean }[] };
  t.same(
    body.components.map((c) => c.name).sort(),
    ['admission', 'bus', 'database', 'sip'],
    'readiness covers admission, db, bus, sip',
  );
  await checkSip(t, ports.sip);
  const stop = await stopAndMeasure(pb);
  t.equal(stop.code, 0, `exit code 0\n${stop.code === 0 ? '' : pb.tail()}`);
  t.equal(stop.signal, null, 'ended by itself, not by a signal');
  t.ok(stop.elapsedMs < 5000, `exited ${Math.round(stop.elapsedMs)} ms after SIGTERM (< 5000)`);
  const logs = pb.logs();
  const phases = logs.filter((l) => l.msg === 'shutdown phase done').map((l) => l.phase);
  t.same(phases, SHUTDOWN_PHASES, 'phases ran in order, each done');
  const done = logs.find((l) => l.msg === 'shutdown complete');
  t.equal(done?.clean, true, 'shutdown reported clean');
  const lingerMs = (await pb.exited).wallMs - Date.parse(String(done?.time));
  t.ok(lingerMs < 2000, `process gone ${lingerMs} ms after "shutdown complete": nothing held it`);
  t.notOk(
    pb.logs().some((l) => l.msg === 'process still running after shutdown'),
    'no handle kept it alive',
  );
  return pb;
}
