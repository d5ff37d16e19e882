/**
 * The world of the inbound-call tests: `patchbay start` as a process (embedded engine, PGlite in a
 * temp dir) with agents a1…a5 and the queues below, every agent a SIPp device that REGISTERs
 * with digest from its own UDP port (so the binding's contact and source are that port) and then
 * answers there as a SIPp UAS; the events WebSocket records every call.*, agent.state.* and
 * queue.state.* event; agents are made ready through the REST API.
 */
import { writeFileSync } from 'node:fs';
import type { Test } from 'tap';
import { WebSocket } from 'ws';
import { describeResult, startSipp } from '../harness/sipp.js';
import type { SippProcess, SippResult } from '../harness/sipp.js';
import { PatchbayProcess, waitForHttpStatus } from '../../test-support/patchbay-process.js';
import { freePort, freePorts } from '../../test-support/ports.js';
import { waitFor } from '../../test-support/wait.js';

export const TOKEN = 'inbound-test-supervisor-token';
export const AGENTS = ['a1', 'a2', 'a3', 'a4', 'a5'] as const;
export type AgentId = string;
/** The digest password of agent `id` in this world. */
export const password = (id: string): string => `${id}-secret-password`;

export interface Envelope {
  topic: string;
  data: Record<string, unknown>;
}

/** The agents (with extra YAML fields each) and the queues/entryPoints/gateways sections. */
export interface WorldSpec {
  readonly agents: readonly { readonly id: string; readonly extra?: string }[];
  /** Top-level YAML lines after `agents:` (queues, entryPoints, gateways...). */
  readonly sections: readonly string[];
}

export const DEFAULT_SPEC: WorldSpec = {
  agents: AGENTS.map((id) => ({ id })),
  sections: [
    'queues:',
    '  - { id: basic, name: Basic, members: [{ agentId: a1 }] }',
    '  - { id: hunt, name: Hunt, ringTimeoutSeconds: 2, members: [{ agentId: a2, penalty: 0 }, { agentId: a3, penalty: 1 }] }',
    '  - { id: ringing, name: Ringing, members: [{ agentId: a2 }] }',
    '  - { id: all, name: All, strategy: ring-all, members: [{ agentId: a4 }, { agentId: a5 }] }',
    '  - id: closed',
    '    name: Closed',
    '    members: [{ agentId: a1 }]',
    '    hours: { timeZone: Europe/Paris, weekly: [] }',
    '    onClosed: { action: reject, status: 486 }',
    'entryPoints:',
    '  - { number: "4000", queue: basic }',
    '  - { number: "4001", queue: hunt }',
    '  - { number: "4002", queue: ringing }',
    '  - { number: "4003", queue: all }',
    '  - { number: "4004", queue: closed }',
  ],
};

function yaml(p: { sip: number; admin: number; http: number }, dir: string, spec: WorldSpec): string {
  const agents = spec.agents.map(
    ({ id, extra }) =>
      `  - { id: ${id}, name: Agent ${id}, aors: ["sip:${id}@127.0.0.1"], auth: { username: ${id}, password: ${password(id)} }, wrapUpSeconds: 1${extra ? `, ${extra}` : ''} }`,
  );
  return [
    `node: { id: inbound-${process.pid} }`,
    'sip:',
    '  mode: embedded',
    '  engine:',
    `    contacts: [{ uri: "sip:127.0.0.1:${p.sip};transport=udp" }]`,
    `    admin: { address: 127.0.0.1, port: ${p.admin}, secret: test-secret }`,
    'presence: { mode: embedded, domain: 127.0.0.1, digestAlgorithms: [MD5] }',
    `database: { path: ${dir}/pglite }`,
    `http: { host: 127.0.0.1, port: ${p.http}, tokens: [{ token: ${TOKEN}, role: supervisor }] }`,
    'log: { level: info }',
    'agents:',
    ...agents,
    ...spec.sections,
    '',
  ].join('\n');
}

export class InboundWorld {
  readonly events: Envelope[] = [];
  readonly agentPorts = new Map<string, number>();

  private constructor(
    readonly pb: PatchbayProcess,
    readonly sipPort: number,
    readonly httpPort: number,
  ) {}

  static async start(t: Test, spec: WorldSpec = DEFAULT_SPEC): Promise<InboundWorld> {
    const [sip, admin, http, ...agentPorts] = await freePorts(3 + spec.agents.length);
    if (sip === undefined || admin === undefined || http === undefined) throw new Error('no free ports');
    const dir = PatchbayProcess.tempDir();
    const pb = PatchbayProcess.start(yaml({ sip, admin, http }, dir, spec), { dir });
    t.teardown(async () => {
      // INBOUND_LOG=file keeps patchbay's output for a failed run.
      if (process.env.INBOUND_LOG) writeFileSync(process.env.INBOUND_LOG, pb.stdout + pb.stderr);
      await pb.cleanup();
    });
    await pb.waitForLog(/^patchbay started/, 120_000);
    await waitForHttpStatus(`http://127.0.0.1:${http}/health/ready`, 200, 60_000);
    const world = new InboundWorld(pb, sip, http);
    spec.agents.forEach(({ id }, i) => world.agentPorts.set(id, agentPorts[i] ?? 0));
    await world.#openEvents(t);
    return world;
  }

  async #openEvents(t: Test): Promise<void> {
    const topics = 'call.>,agent.state.>,queue.state.>';
    const ws = new WebSocket(`ws://127.0.0.1:${this.httpPort}/api/v1/events?topics=${topics}&token=${TOKEN}`);
    ws.on('message', (d: Buffer) => this.events.push(JSON.parse(d.toString('utf8')) as Envelope));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    t.teardown(() => ws.close());
  }

  /** The agent's SIPp device REGISTERs with digest from its port; then it is logged in. */
  async registerAndLogIn(t: Test, id: AgentId): Promise<void> {
    const port = this.agentPorts.get(id);
    const reg = await (
      await startSipp({
        scenario: 'uac-register-digest',
        remote: `127.0.0.1:${this.sipPort}`,
        localPort: port,
        service: id,
        calls: 1,
        timeoutMs: 20_000,
        extraArgs: ['-au', id, '-ap', password(id)],
      })
    ).done;
    t.ok(reg.passed, `${id} registered: ${describeResult(reg)}`);
    await waitFor(async () => ((await this.state(id)).devices >= 1 ? true : undefined), {
      timeoutMs: 20_000,
      what: `${id} has a device`,
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${this.pb.tail()}`, { cause: err });
    });
    t.equal(await this.act(id, 'login'), 200, `${id} logged in`);
  }

  /** The agent's device answers with `scenario` for `calls` calls (UAS on the registered port). */
  device(id: AgentId, scenario: string, calls = 1): Promise<SippProcess> {
    return startSipp({ scenario, localPort: this.agentPorts.get(id), calls, timeoutMs: 60_000 });
  }

  /** A SIPp UAS on `port` (e.g. a gateway calls are sent to). */
  deviceAt(port: number, scenario: string): Promise<SippProcess> {
    return startSipp({ scenario, localPort: port, calls: 1, timeoutMs: 60_000 });
  }

  /** The gateway's calls in progress (GET /api/v1/gateways/:id status). */
  async gatewayActiveCalls(id: string): Promise<number | undefined> {
    const res = await fetch(`http://127.0.0.1:${this.httpPort}/api/v1/gateways/${id}`, {
      headers: { authorization: `Bearer ${TOKEN}`, connection: 'close' },
    });
    const body = (await res.json()) as { status?: { activeCalls?: number } };
    return body.status?.activeCalls;
  }

  caller(
    scenario: string,
    number: string,
    from?: { localHost: string; localPort: number },
  ): Promise<SippResult> {
    return this.startCaller(scenario, number, from).then((p) => p.done);
  }

  /** A SIPp caller whose SDP offers `rtpPort` (a test's RTP endpoint) and waits for the far end's BYE. */
  async mediaCaller(number: string, rtpPort: number): Promise<SippProcess> {
    return startSipp({
      scenario: 'uac-invite-media-wait-bye',
      remote: `127.0.0.1:${this.sipPort}`,
      localPort: await freePort(),
      service: number,
      calls: 1,
      timeoutMs: 90_000,
      keys: { rtp_port: String(rtpPort) },
    });
  }

  /** A SIPp caller (from 127.0.0.1 unless `from` says otherwise) dialling `number`. */
  startCaller(
    scenario: string,
    number: string,
    from?: { localHost: string; localPort: number },
  ): Promise<SippProcess> {
    return startSipp({
      scenario,
      remote: `127.0.0.1:${this.sipPort}`,
      service: number,
      calls: 1,
      timeoutMs: 90_000,
      ...(from ?? {}),
    });
  }

  async state(id: string): Promise<{ state: string; availability: string; devices: number }> {
    const get = () =>
      fetch(`http://127.0.0.1:${this.httpPort}/api/v1/agents/${id}/state`, {
        headers: { authorization: `Bearer ${TOKEN}`, connection: 'close' },
      });
    // A pooled keep-alive socket the server just closed fails once ("other side closed"): retry.
    const res = await get().catch(() => get());
    return (await res.json()) as { state: string; availability: string; devices: number };
  }

  async act(id: string, action: string, reason?: string): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${this.httpPort}/api/v1/agents/${id}/state`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(reason === undefined ? { action } : { action, reason }),
    });
    await res.body?.cancel();
    return res.status;
  }

  waitState(id: string, state: string, timeoutMs = 30_000): Promise<true> {
    return waitFor(async () => ((await this.state(id)).state === state ? true : undefined), {
      timeoutMs,
      what: `${id} ${state}`,
    });
  }

  /** Events of one call (by the call id of its call.arrived for `dialled` after index `from`). */
  callEvents(callId: string): Envelope[] {
    return this.events.filter((e) => e.topic.startsWith('call.') && e.data.callId === callId);
  }

  /** The id of the first call to `dialled` that arrived after event index `from`. */
  arrivedCall(dialled: string, from: number): Promise<string> {
    return waitFor(
      () => {
        const e = this.events
          .slice(from)
          .find((x) => x.topic.startsWith('call.arrived.') && x.data.dialled === dialled);
        return typeof e?.data.callId === 'string' ? e.data.callId : undefined;
      },
      { timeoutMs: 30_000, what: `call.arrived for ${dialled}` },
    );
  }

  ended(callId: string): Promise<Envelope> {
    return waitFor(() => this.events.find((e) => e.topic === `call.ended.${callId}`), {
      timeoutMs: 60_000,
      what: `call.ended.${callId}`,
    });
  }
}

/** The events of a call answered by the first agent offered, in order. */
export const ANSWERED_CALL_EVENTS: readonly string[] = [
  'call.arrived',
  'call.queued',
  'call.offered',
  'call.offer-ended',
  'call.answered',
  'call.ended',
];

/** The topics' event types of one call, in order (call.arrived, call.queued, ...). */
export const types = (events: readonly Envelope[]): string[] =>
  events.map((e) => e.topic.split('.').slice(0, 2).join('.'));
