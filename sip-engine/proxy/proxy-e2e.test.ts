/**
 * End to end: an unmodified drachtio-srf app on the embedded engine calls `srf.proxyRequest`, a SIPp
 * caller calls in, two SIPp callees answer (testing/scenarios/). Checks what the caller and callees
 * saw (their scripts succeed, the BYE reaches the callee through the proxy) and what srf reported.
 */
import t, { type Test } from 'tap';
import type Srf from 'drachtio-srf';
import { freePorts } from '../../test-support/ports.js';
import { requireProgram } from '../../test-support/programs.js';
import { waitFor } from '../../test-support/wait.js';
import { isListening } from '../../sip-tests/harness/port-listening.js';
import { connectApp, startTestEngine } from '../conformance/harness.js';
import { SippProcess } from './testing/sipp.js';

const sipp = requireProgram('sipp');
const skip = 'skip' in sipp ? sipp.skip : false;

/** What srf 5.0.29 resolves proxyRequest with (lib/request.js); its typings say `string`. */
interface ProxyResult {
  connected: boolean;
  finalStatus?: number;
  responses: { address: string; port: number; msgs: { status: number }[] }[];
}

function isProxyResult(v: unknown): v is ProxyResult {
  return (
    typeof v === 'object' &&
    v !== null &&
    'connected' in v &&
    Array.isArray((v as { responses?: unknown }).responses)
  );
}

interface Scenario {
  callee1: string;
  callee2: string;
  opts: Srf.ProxyRequestOptions;
}

async function runCall(t: Test, s: Scenario): Promise<ProxyResult> {
  if ('skip' in sipp) throw new Error('sipp missing');
  const engine = await startTestEngine(t);
  const [uas1, uas2, uac, m1, m2, m3] = await freePorts(6);
  const destinations = [`sip:callee1@127.0.0.1:${uas1}`, `sip:callee2@127.0.0.1:${uas2}`];
  let result: ProxyResult | undefined;
  let failure: unknown;
  await connectApp(
    t,
    engine,
    (srf) => {
      srf.invite((req) => {
        srf.proxyRequest(
          req,
          destinations,
          { recordRoute: true, ...s.opts },
          (err: unknown, res: unknown) => {
            if (err) failure = err;
            else if (isProxyResult(res)) result = res;
          },
        );
      });
    },
    ['invite'],
  );
  const callees = [
    new SippProcess({ sipp: sipp.path, scenario: s.callee1, localPort: uas1!, mediaPort: m1! }),
    new SippProcess({ sipp: sipp.path, scenario: s.callee2, localPort: uas2!, mediaPort: m2! }),
  ];
  t.teardown(() => Promise.all(callees.map((p) => p.stop())));
  // The callees must be bound before the call forks to them: on a loaded machine a SIPp process can
  // take seconds to start, and a request to an unbound port fails the branch at once.
  for (const port of [uas1!, uas2!]) {
    await waitFor(async () => ((await isListening(port, 'udp')) ? true : undefined), {
      timeoutMs: 30_000,
      what: `SIPp callee listening on ${String(port)}`,
    });
  }
  const caller = new SippProcess({
    sipp: sipp.path,
    scenario: 'uac-call.xml',
    localPort: uac!,
    mediaPort: m3!,
    remote: `127.0.0.1:${engine.sipPort}`,
  });
  t.teardown(() => caller.stop());
  const procs = [...callees, caller];
  const names = [s.callee1, s.callee2, 'caller'];
  const results = await Promise.all(procs.map((p) => p.done));
  results.forEach((r, i) =>
    t.equal(
      r.code,
      0,
      `${names[i] ?? ''} scenario completed`,
      r.code === 0 ? {} : { output: r.output.slice(-3000) },
    ),
  );
  const done = await waitFor(() => result ?? failure, { timeoutMs: 20_000, what: 'proxyRequest result' });
  if (!isProxyResult(done)) throw new Error(`proxyRequest failed: ${String(done)}`);
  return done;
}

const statuses = (r: ProxyResult): number[] => r.responses.flatMap((g) => g.msgs.map((m) => m.status));

t.test(
  'serial: the busy callee, then the answering one; record-route keeps the BYE on the proxy',
  { skip },
  async (t) => {
    const result = await runCall(t, { callee1: 'uas-busy.xml', callee2: 'uas-answer.xml', opts: {} });
    t.equal(result.connected, true);
    t.equal(result.finalStatus, 200);
    t.same(statuses(result), [486, 200], 'both final responses streamed, in order');
  },
);

t.test('simultaneous: one busy and one answering → connected', { skip }, async (t) => {
  const result = await runCall(t, {
    callee1: 'uas-busy.xml',
    callee2: 'uas-answer.xml',
    opts: { forking: 'simultaneous' },
  });
  t.equal(result.connected, true);
  t.equal(result.finalStatus, 200);
  t.ok(statuses(result).includes(200));
});

t.test(
  'provisional timeout: the silent callee is given up, CANCELled when it rings late',
  { skip },
  async (t) => {
    const result = await runCall(t, {
      callee1: 'uas-late-ring.xml',
      callee2: 'uas-answer.xml',
      opts: { provisionalTimeout: '500ms' },
    });
    t.equal(result.connected, true);
    t.same(statuses(result), [200], 'the abandoned branch reports nothing');
  },
);
