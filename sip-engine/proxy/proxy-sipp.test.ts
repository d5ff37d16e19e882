/**
 * The proxy over real SIP, below the app layer: real transport and transaction layers, SIPp as
 * caller and callees (see testing/scenarios/). The full srf → engine → proxy path is in
 * proxy-e2e.test.ts.
 */
import t, { type Test } from 'tap';
import { freePorts } from '../../test-support/ports.js';
import { requireProgram } from '../../test-support/programs.js';
import { waitFor } from '../../test-support/wait.js';
import { startMiniEngine, type MiniEngine } from './testing/mini-engine.js';
import { SippProcess } from './testing/sipp.js';

const sipp = requireProgram('sipp');

interface World {
  engine: MiniEngine;
  ports: { engine: number; uas1: number; uas2: number; uac: number; media: number[] };
  run(scenario: string, localPort: number, mediaPort: number, remote?: string): SippProcess;
}

async function world(
  t: Test,
  cmd: { simultaneous?: boolean; provisionalTimeoutMs?: number },
): Promise<World> {
  if ('skip' in sipp) throw new Error('unreachable');
  const [engine, uas1, uas2, uac, m1, m2, m3] = await freePorts(7);
  const ports = { engine: engine!, uas1: uas1!, uas2: uas2!, uac: uac!, media: [m1!, m2!, m3!] };
  const mini = await startMiniEngine(ports.engine, {
    remainInDialog: true,
    fullResponse: true,
    followRedirects: false,
    simultaneous: cmd.simultaneous ?? false,
    ...(cmd.provisionalTimeoutMs === undefined ? {} : { provisionalTimeoutMs: cmd.provisionalTimeoutMs }),
    destinations: [`sip:callee1@127.0.0.1:${ports.uas1}`, `sip:callee2@127.0.0.1:${ports.uas2}`],
  });
  const procs: SippProcess[] = [];
  t.teardown(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await mini.stop();
  });
  return {
    engine: mini,
    ports,
    run: (scenario, localPort, mediaPort, remote) => {
      const p = new SippProcess({
        sipp: sipp.path,
        scenario,
        localPort,
        mediaPort,
        ...(remote ? { remote } : {}),
        timeoutS: 20,
      });
      procs.push(p);
      return p;
    },
  };
}

async function expectSuccess(t: Test, name: string, p: SippProcess): Promise<void> {
  const r = await p.done;
  t.equal(r.code, 0, `${name} scenario completed`, r.code === 0 ? {} : { output: r.output.slice(-3000) });
}

/** Callees first, then the caller; all three must finish their scripts. */
async function call(t: Test, w: World, callee1: string, callee2: string): Promise<void> {
  const a = w.run(callee1, w.ports.uas1, w.ports.media[0]!);
  const b = w.run(callee2, w.ports.uas2, w.ports.media[1]!);
  const caller = w.run('uac-call.xml', w.ports.uac, w.ports.media[2]!, `127.0.0.1:${w.ports.engine}`);
  await Promise.all([
    expectSuccess(t, 'caller', caller),
    expectSuccess(t, callee1, a),
    expectSuccess(t, callee2, b),
  ]);
  await waitFor(() => w.engine.core.activeCount === 0, {
    timeoutMs: 5000,
    what: 'proxy transactions to finish',
  });
}

t.test(
  'serial: busy callee, then the answering one; ACK and BYE stay on the proxy (Record-Route)',
  { skip: 'skip' in sipp ? sipp.skip : false },
  async (t) => {
    const w = await world(t, {});
    await call(t, w, 'uas-busy.xml', 'uas-answer.xml');
    t.same(w.engine.summary(), ['continue:486', 'continue:200', 'done']);
  },
);

t.test(
  'simultaneous: one busy, one answering → the caller gets the 200',
  { skip: 'skip' in sipp ? sipp.skip : false },
  async (t) => {
    const w = await world(t, { simultaneous: true });
    await call(t, w, 'uas-busy.xml', 'uas-answer.xml');
    const frames = w.engine.summary();
    t.ok(frames.includes('continue:200'), 'the 200 was streamed');
    t.equal(frames.at(-1), 'done');
    t.notOk(
      frames.includes('continue:486') && frames.indexOf('continue:486') > frames.indexOf('done'),
      'nothing after done',
    );
  },
);

t.test(
  'provisional timeout: a late-ringing callee is skipped, then CANCELled when it rings',
  { skip: 'skip' in sipp ? sipp.skip : false },
  async (t) => {
    const w = await world(t, { provisionalTimeoutMs: 500 });
    await call(t, w, 'uas-late-ring.xml', 'uas-answer.xml');
    t.same(w.engine.summary(), ['continue:200', 'done'], 'the abandoned branch is not reported');
  },
);
