/**
 * Availability follows presence, the whole way: `patchbay start` with `presence.mode: external`
 * pointed at Kamailio (started by the harness). Agent a1's presence URI lives on Kamailio; a phone
 * (an srf app on its own engine) PUBLISHes there (RFC 3903). patchbay's watcher gets the NOTIFY
 * (RFC 3856), the policy decides, and the agent state service changes a1's availability, seen on
 * REST and on the events WebSocket. Then Kamailio restarts and the subscription recovers.
 */
import t from 'tap';
import type { Test } from 'tap';
import { WebSocket } from 'ws';
import { DEFAULT_ENGINE_CONFIG } from '../sip-engine/config.js';
import { startEngine } from '../sip-engine/engine.js';
import { requireKamailio, startKamailio } from '../sip-tests/harness/kamailio.js';
import { pidfBody } from '../test-support/fake-subscription-transport.js';
import { PatchbayProcess, waitForHttpStatus } from '../test-support/patchbay-process.js';
import { freePorts } from '../test-support/ports.js';
import { connectSrf, disconnectSrf, Srf, srfRequest } from '../test-support/srf-app.js';
import type { SrfSipMessage } from '../test-support/srf-app.js';
import { waitFor } from '../test-support/wait.js';

const kamailio = requireKamailio();
const TOKEN = 'presence-external-supervisor-token';

interface StateBody {
  state: string;
  availability: string;
  /** Per channel. Voice also needs a device registered with patchbay, which this world has none of. */
  channels: { voice: string; chat: string };
  reason?: string;
  presence?: { basic: string; activities: string[] };
}
interface Envelope {
  topic: string;
  data: { to?: string; reason?: string };
}

/**
 * A phone publishing to Kamailio: an srf app on its own engine. Later PUBLISHes modify the same
 * publication with SIP-If-Match (RFC 3903 §4.4), as a phone does.
 */
async function phone(t: Test): Promise<(uri: string, body: string) => Promise<number>> {
  const engine = await startEngine({
    ...DEFAULT_ENGINE_CONFIG,
    contacts: [{ uri: 'sip:127.0.0.1:0;transport=udp' }],
    admin: { address: '127.0.0.1', port: 0, secret: 'cymru' },
  });
  t.teardown(() => engine.stop());
  const srf = new Srf();
  await connectSrf(srf, { port: engine.adminPort, secret: 'cymru', reconnect: { maxAttempts: 1 } });
  t.teardown(() => disconnectSrf(srf));
  let etag: string | undefined;
  return async (uri, body) => {
    const headers: Record<string, string> = {
      From: `<${uri}>`,
      To: `<${uri}>`,
      Event: 'presence',
      Expires: '600',
      'Content-Type': 'application/pidf+xml',
      ...(etag ? { 'SIP-If-Match': etag } : {}),
    };
    const req = await srfRequest(srf, uri, { method: 'PUBLISH', headers, body });
    const res = await new Promise<SrfSipMessage & { status: number }>((resolve) =>
      req.on('response', resolve),
    );
    if (res.status === 412)
      etag = undefined; // RFC 3903 §6 step 3: the publication is gone (restart)
    else if (res.has('SIP-ETag')) etag = res.get('SIP-ETag');
    return res.status;
  };
}

t.test(
  'presence from Kamailio drives agent availability (REST and events), across a Kamailio restart',
  'skip' in kamailio ? { skip: kamailio.skip } : {},
  async (t) => {
    const kam = await startKamailio();
    t.teardown(() => kam.dispose());
    const [sip, admin, http] = (await freePorts(3)) as [number, number, number];
    const agentUri = `sip:agent1@${kam.hostport}`;
    const dir = PatchbayProcess.tempDir();
    const yaml = [
      `node: { id: presence-external-${process.pid} }`,
      'sip:',
      '  mode: embedded',
      '  engine:',
      `    contacts: [{ uri: "sip:127.0.0.1:${sip};transport=udp" }]`,
      `    admin: { address: 127.0.0.1, port: ${admin}, secret: test-secret }`,
      `presence: { mode: external, server: "${kam.uri}", domain: 127.0.0.1, subscribeExpiresS: 6 }`,
      `database: { path: ${dir}/pglite }`,
      `http: { host: 127.0.0.1, port: ${http}, tokens: [{ token: ${TOKEN}, role: supervisor }] }`,
      'agents:',
      `  - { id: a1, name: Agent One, aors: ["sip:agent1@127.0.0.1"], presenceUri: "${agentUri}" }`,
      '',
    ].join('\n');
    const pb = PatchbayProcess.start(yaml, { dir });
    t.teardown(() => pb.cleanup());
    await pb.waitForLog(/^patchbay started/, 90000);
    await waitForHttpStatus(`http://127.0.0.1:${http}/health/ready`, 200, 30000);

    const events: Envelope[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${http}/api/v1/events?topics=agent.state.a1&token=${TOKEN}`);
    ws.on('message', (d: Buffer) => events.push(JSON.parse(d.toString('utf8')) as Envelope));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    t.teardown(() => ws.close());

    const stateUrl = `http://127.0.0.1:${http}/api/v1/agents/a1/state`;
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const getState = async (): Promise<StateBody> =>
      (await (await fetch(stateUrl, { headers })).json()) as StateBody;
    const login = await fetch(stateUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify({ action: 'login' }),
    });
    t.equal(login.status, 200, 'a1 logged in');
    t.equal((await getState()).channels.chat, 'available', 'logged in, no presence yet: chat available');

    const publish = await phone(t);
    t.equal(await publish(agentUri, pidfBody('open', { activities: ['away'], entity: agentUri })), 200);
    const away = await waitFor(
      async () => {
        const s = await getState();
        return s.presence?.activities.includes('away') ? s : undefined;
      },
      { timeoutMs: 20000, what: 'a1 presence away' },
    );
    t.equal(away.channels.chat, 'unavailable', 'away → unavailable on REST');
    await waitFor(() => events.length > 0, {
      timeoutMs: 5000,
      what: 'agent.state.a1 on the events WebSocket',
    });

    t.equal(await publish(agentUri, pidfBody('open', { entity: agentUri })), 200);
    let last: StateBody | undefined;
    const open = await waitFor(
      async () => {
        last = await getState();
        return last.channels.chat === 'available' ? last : undefined;
      },
      { timeoutMs: 20000, what: 'a1 available again' },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; last state ${JSON.stringify(last)}`, { cause: err });
    });
    t.equal(open.presence?.basic, 'open', 'open → available');

    await kam.restart();
    let status = await publish(agentUri, pidfBody('open', { activities: ['busy'], entity: agentUri }));
    if (status === 412)
      status = await publish(agentUri, pidfBody('open', { activities: ['busy'], entity: agentUri }));
    t.equal(status, 200, 'published busy after the restart');
    const busy = await waitFor(
      async () => {
        const s = await getState();
        return s.presence?.activities.includes('busy') ? s : undefined;
      },
      { timeoutMs: 60000, what: 'a1 presence busy after the Kamailio restart' },
    );
    t.equal(busy.channels.chat, 'unavailable', 'subscription recovered after the restart');
    pb.signal('SIGTERM');
    t.equal((await pb.exitWithin(10000)).code, 0, 'patchbay exits cleanly');
  },
);
