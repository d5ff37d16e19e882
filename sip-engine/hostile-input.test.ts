/**
 * Network-level hostile input against a running engine (own process) with a drachtio-srf UAS app:
 * exactly 100,000 mutated/random/hand-made messages (60,000 UDP datagrams, each send awaited and
 * paced by the engine's progress, then 40,000 TCP inputs), with only a generous time cap. The engine
 * process must stay up, its heap (after GC, once transactions drained) must not grow past a sane
 * bound, requests it can partly read get 400 (RFC 3261 §8.2, §18.3, §21.4.1), and afterwards a
 * normal call from a drachtio-srf UAC on a second engine still completes.
 */
import t from 'tap';
import { EngineProcess } from '../test-support/engine-process.js';
import { hostileGenerator } from '../test-support/hostile-corpus.js';
import type { FloodResult } from '../test-support/hostile-senders.js';
import { tcpFlood, udpFlood } from '../test-support/hostile-senders.js';
import type { HostileWorld } from '../test-support/hostile-world.js';
import {
  engineDrained,
  hostileEngineConfig,
  startHostileWorld,
  UAS_SDP,
} from '../test-support/hostile-world.js';
import { connectSrf, disconnectSrf, Srf } from '../test-support/srf-app.js';
import { sipText } from '../test-support/sip-fixtures.js';
import { statusOf, UdpProbe } from '../test-support/udp-probe.js';
import { waitFor } from '../test-support/wait.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20260202);
/** Exactly this many inputs: UDP_COUNT datagrams, then the rest over TCP. */
const TOTAL = Number(process.env.HOSTILE_TOTAL ?? 100000);
const UDP_COUNT = Number(process.env.HOSTILE_UDP_COUNT ?? 60000);
const TCP_COUNT = TOTAL - UDP_COUNT;
/** Safety caps only (a loaded 2-core machine is slow); hitting one fails the test. */
const UDP_CAP_MS = 300_000;
const TCP_CAP_MS = 180_000;
/** The engine counts as stalled (the kernel dropped the rest) after this long without progress. */
const STALL_MS = 250;
/** heapUsed after GC may grow by at most this much over the whole flood. */
const HEAP_GROWTH_BOUND = 32 * 1024 * 1024;

let world: HostileWorld;
let sipPort = 0;

t.before(async () => {
  world = await startHostileWorld(await hostileEngineConfig());
  sipPort = world.engine.port('udp');
});
t.teardown(() => world.stop());

/** Messages the engine's transport has dealt with so far (parsed, malformed or dropped). */
async function processed(): Promise<number> {
  const s = (await world.engine.stats()).transport;
  return s.messagesReceived + s.malformed + s.droppedOversize + s.droppedRateLimited;
}

/**
 * Back-pressure for the UDP flood: wait until the engine has dealt with nearly everything sent, or
 * made no progress for STALL_MS (the rest was dropped by the kernel), so the flood measures the
 * engine rather than socket-buffer overflow. Progress, not time, ends the wait on a busy machine.
 */
function udpPace(base: number): (sent: number) => Promise<void> {
  return async (sent) => {
    let last = -1;
    let since = Date.now();
    await waitFor(
      async () => {
        const now = (await processed()) - base;
        if (now !== last) since = Date.now();
        last = now;
        return now >= sent - 50 || Date.now() - since >= STALL_MS;
      },
      { timeoutMs: 30_000, intervalMs: 3 },
    ).catch(() => undefined);
  };
}

const flooded: FloodResult[] = [];

/** UDP first (count-bounded, paced), then TCP for the rest of the total. */
async function flood(base: number): Promise<{ udp: FloodResult; tcp: FloodResult; udpHandled: number }> {
  const udp = await udpFlood({
    port: sipPort,
    count: UDP_COUNT,
    next: hostileGenerator(SEED, { stream: false, maxBytes: 65000 }),
    timeLimitMs: UDP_CAP_MS,
    batch: 50,
    paceEvery: 150,
    pace: udpPace(base),
  });
  const udpHandled = (await processed()) - base;
  const tcp = await tcpFlood({
    port: world.engine.port('tcp'),
    count: TCP_COUNT,
    next: hostileGenerator(SEED + 1, { stream: true, maxBytes: 70000 }),
    timeLimitMs: TCP_CAP_MS,
    parallel: 8,
    perConnection: 200,
    paceEvery: 500,
    // A stats round trip waits behind whatever the engine's event loop still has queued.
    pace: async () => {
      await world.engine.stats();
    },
  });
  return { udp, tcp, udpHandled };
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);

t.test('100,000 hostile messages over UDP and TCP: the engine stays up, heap bounded', async (t) => {
  const warm = hostileGenerator(SEED - 1, { stream: false, maxBytes: 65000 });
  await udpFlood({ port: sipPort, count: 2000, next: warm, timeLimitMs: 60_000 });
  await engineDrained(world.engine, 20000);
  const before = await world.engine.memory(true);
  const base = await processed();
  const { udp, tcp, udpHandled } = await flood(base);
  flooded.push(udp, tcp);
  t.comment(
    `udp: ${udp.sent} sent in ${udp.elapsedMs} ms; tcp: ${tcp.sent} sent on ${tcp.connections} connections`,
  );
  t.ok(world.engine.alive(), 'engine process still running after the flood');
  t.equal(udp.timedOut, false, `the UDP flood finished within its ${UDP_CAP_MS / 1000} s cap`);
  t.equal(udp.sent, UDP_COUNT, `exactly ${UDP_COUNT} datagrams sent, each send callback awaited`);
  t.equal(tcp.timedOut, false, `the TCP flood finished within its ${TCP_CAP_MS / 1000} s cap`);
  t.equal(tcp.sent, TCP_COUNT, `exactly ${TCP_COUNT} inputs written over TCP`);
  t.equal(udp.sent + tcp.sent, TOTAL, `${TOTAL} hostile messages in all`);

  const stats = await world.engine.stats();
  t.ok(stats.transport.malformed > 1000, `the engine saw malformed input (${stats.transport.malformed})`);
  t.ok(stats.transport.connectionsClosedGarbage > 0, 'connections sending garbage were closed');
  t.comment(`the engine handled ${udpHandled} of ${udp.sent} datagrams (the kernel dropped the rest)`);
  t.ok(udpHandled >= udp.sent * 0.75, 'the engine processed most UDP input (pacing worked)');
  t.ok((udp.responses.get(400) ?? 0) > 100, `UDP senders got 400s (${udp.responses.get(400) ?? 0})`);
  t.ok(world.counters.invites > 0, 'well-formed mutants reached the app');

  t.ok(await engineDrained(world.engine, 20000), 'transactions and pending requests drain after the flood');
  await waitFor(async () => (await world.engine.stats()).transport.connectionsOpen === 0, {
    timeoutMs: 10000,
    what: 'all TCP connections closed',
  });
  const after = await world.engine.memory(true);
  const growth = after.heapUsed - before.heapUsed;
  t.comment(`heapUsed after GC: ${mb(before.heapUsed)} → ${mb(after.heapUsed)} MB`);
  t.ok(after.gcRan, 'GC ran before the memory sample');
  t.ok(growth < HEAP_GROWTH_BOUND, `heap growth ${mb(growth)} MB below ${mb(HEAP_GROWTH_BOUND)} MB`);
});

/** Requests with a readable Via but a broken mandatory part (RFC 3261 §8.1.1, §8.2.2, §18.3). */
function brokenRequests(probePort: number): { name: string; text: string }[] {
  const base = (id: string, drop: string | undefined, extra: string[] = [], cseq = '1 INVITE'): string[] =>
    [
      'INVITE sip:4000@127.0.0.1 SIP/2.0',
      `Via: SIP/2.0/UDP 127.0.0.1:${probePort};branch=z9hG4bK-bad-${id};rport`,
      'Max-Forwards: 70',
      `From: <sip:a@127.0.0.1>;tag=f-${id}`,
      'To: <sip:4000@127.0.0.1>',
      `Call-ID: bad-${id}`,
      `CSeq: ${cseq}`,
      `Contact: <sip:a@127.0.0.1:${probePort}>`,
      ...extra,
    ].filter((l) => drop === undefined || !l.startsWith(drop));
  return [
    { name: 'non-numeric CSeq (§20.16)', text: sipText(base('cseq', undefined, [], 'abc INVITE')) },
    {
      name: 'CSeq method differs from the request method (§8.1.1.5)',
      text: sipText(base('cm', undefined, [], '1 OPTIONS')),
    },
    { name: 'no Call-ID (§8.1.1)', text: sipText(base('cid', 'Call-ID')) },
    { name: 'no From (§8.1.1)', text: sipText(base('from', 'From')) },
    { name: 'no CSeq (§8.1.1)', text: sipText(base('nocseq', 'CSeq')) },
    {
      name: 'Content-Length beyond the datagram (§18.3)',
      text: sipText(base('cl', undefined), 'v=0\r\n', 500),
    },
    {
      name: 'INVITE From without tag (§8.1.1.3)',
      text: sipText(base('tag', 'From', ['From: <sip:a@127.0.0.1>'])),
    },
  ];
}

t.test('malformed requests with a readable Via get 400', async (t) => {
  const probe = await UdpProbe.open();
  t.teardown(() => probe.close());
  for (const c of brokenRequests(probe.port)) {
    const branch = /branch=(\S+?);/.exec(c.text)?.[1] ?? '';
    await probe.send(c.text, sipPort);
    const got = await probe
      .waitFor((m) => m.includes(branch) && (statusOf(m) ?? 0) >= 300, 5000, `final response for ${c.name}`)
      .catch(() => undefined);
    t.equal(got === undefined ? undefined : statusOf(got), 400, `${c.name} → 400`);
  }
  t.ok(world.engine.alive(), 'engine still up');
});

t.test('after the flood a normal call through a second engine completes', async (t) => {
  const engineB = await EngineProcess.spawn(await hostileEngineConfig());
  t.teardown(() => engineB.stop());
  const uac = new Srf();
  await connectSrf(uac, { port: engineB.adminPort, secret: 'cymru', reconnect: { maxAttempts: 1 } });
  t.teardown(() => disconnectSrf(uac));
  const byesBefore = world.counters.byes;
  const dialog = await uac.createUAC(`sip:call@127.0.0.1:${sipPort}`, {
    localSdp: UAS_SDP.replace('hostile-uas', 'uac'),
  });
  t.match(dialog.remote.sdp, /o=hostile-uas/, 'the UAS app answered with its SDP');
  await new Promise<void>((resolve, reject) =>
    dialog.destroy(undefined, (err) => (err ? reject(err as Error) : resolve())),
  );
  await waitFor(() => world.counters.byes > byesBefore, { timeoutMs: 5000, what: 'BYE at the UAS app' });
  t.ok(world.engine.alive() && engineB.alive(), 'both engines still up');
  t.ok(flooded.length === 2, 'ran after the flood');
});
