/**
 * Self-test of the SIPp harness and of every scenario: each UAS scenario runs against its UAC
 * counterpart on loopback (no patchbay involved) and both sides must count every call successful.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import t from 'tap';
import type { Test } from 'tap';
import { freePort } from '../../test-support/ports.js';
import { portsInProcTable } from './port-listening.js';
import { describeResult, requireSipp, runSipp, SCENARIO_DIR, scenarioPath, startSipp } from './sipp.js';
import type { SippResult, SippTransport } from './sipp.js';
import { buildSippArgs } from './sipp-args.js';
import { parseScenarioScreen, parseStatCsv } from './sipp-results.js';

const UAC_SCREEN = `
                                 Messages  Retrans   Timeout   Unexpected-Msg
      INVITE ---------->         3         1         0
         100 <----------         3         0         0         0
         200 <----------  E-RTD1 3         2         0         0
         ACK ---------->         3         0
       Pause [    200ms]         3                             0
------- Waiting for active calls to end. Press [q] again to force exit. -------`;
const UAS_SCREEN = `
                                 Messages  Retrans   Timeout   Unexpected-Msg
  ----------> INVITE             3         0         0         0

  <---------- 200                3         4
  ----------> ACK         E-RTD1 2         0         1         0
  [    500ms] Pause              3                             0
-------`;

t.test('scenario screen parsing (UAC and UAS layouts)', (t) => {
  t.same(
    parseScenarioScreen(UAC_SCREEN).map((s) => [s.label, s.direction, s.messages, s.retransmissions]),
    [
      ['INVITE', 'sent', 3, 1],
      ['100', 'received', 3, 0],
      ['200', 'received', 3, 2],
      ['ACK', 'sent', 3, 0],
      ['Pause', 'other', 3, 0],
    ],
  );
  const uas = parseScenarioScreen(UAS_SCREEN);
  t.same(
    uas.map((s) => [s.label, s.direction, s.messages]),
    [
      ['INVITE', 'received', 3],
      ['200', 'sent', 3],
      ['ACK', 'received', 2],
      ['Pause', 'other', 3],
    ],
  );
  t.equal(uas[2]?.timeouts, 1);
  t.same(parseScenarioScreen('no screen'), []);
  t.end();
});

t.test('statistics CSV and /proc/net parsing, argument building', (t) => {
  const stats = parseStatCsv('A;SuccessfulCall(C);FailedCall(C)\n1;0;0\n2;5;1\n');
  t.same(stats, { A: '2', 'SuccessfulCall(C)': '5', 'FailedCall(C)': '1' });
  const udp = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '  1: 0100007F:3ADE 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 ffff 0',
  ].join('\n');
  t.ok(portsInProcTable(udp, 'udp').has(15070));
  t.notOk(portsInProcTable(udp, 'tcp').has(15070), 'a TCP entry must be in LISTEN state (0A)');
  const args = buildSippArgs(
    { scenario: '/s.xml', remote: '127.0.0.1:5060', calls: 5, rate: 10, keys: { k: 'v' }, transport: 't1' },
    '/w',
  );
  t.same(args.slice(0, 8), ['127.0.0.1:5060', '-sf', '/s.xml', '-i', '127.0.0.1', '-t', 't1', '-nostdin']);
  t.match(args.join(' '), /-m 5 -r 10 .*-key k v .*-trace_stat -stf \/w\/stat\.csv/);
  t.equal(scenarioPath('uac-invite-bye'), `${SCENARIO_DIR}/uac-invite-bye.xml`);
  t.end();
});

t.test('every scenario parses and starts with a one-line comment', (t) => {
  const files = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.xml'));
  t.ok(files.length >= 20, `${files.length} scenarios`);
  for (const f of files) {
    const xml = readFileSync(`${SCENARIO_DIR}/${f}`, 'utf8');
    const doc: unknown = new XMLParser({ ignoreAttributes: false }).parse(xml);
    const scenario = (doc as { scenario?: Record<string, unknown> }).scenario;
    t.ok(scenario && ('send' in scenario || 'recv' in scenario), `${f} parses to a scenario with messages`);
    t.match(xml.split('\n')[2] ?? '', /^<!-- (UAC|UAS): .+ -->$/, `${f} says what it does`);
  }
  t.end();
});

/** Every quoted `uac-…`/`uas-…` name in the repository's TypeScript test code (not node_modules). */
function scenarioNamesInTests(): Set<string> {
  const root = join(SCENARIO_DIR, '..', '..');
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'dist') continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts') && path !== import.meta.filename) {
        for (const m of readFileSync(path, 'utf8').matchAll(/['"`](ua[cs]-[a-z0-9-]+)(?:\.xml)?['"`]/g)) {
          if (m[1]) names.add(m[1]);
        }
      }
    }
  };
  walk(root);
  return names;
}

interface Pair {
  uas: string;
  uac: string;
  calls: number;
  keys?: Record<string, string>;
  transport?: SippTransport;
  /** Extra assertions on the two results. */
  check?: (t: Test, uac: SippResult, uas: SippResult) => void;
}

const step = (r: SippResult, label: string, direction: 'sent' | 'received') =>
  r.steps.filter((s) => s.label === label && s.direction === direction).reduce((n, s) => n + s.messages, 0);

const PAIRS: Pair[] = [
  {
    uas: 'uas-answer-200',
    uac: 'uac-invite-bye',
    calls: 5,
    check: (t, uac, uas) => {
      t.equal(step(uac, 'INVITE', 'sent'), 5);
      t.equal(step(uas, 'BYE', 'received'), 5);
    },
  },
  // Over TCP the UAS must not be in <timewait> when the UAC exits and closes the connection
  // (sipp counts FailedTcpClosed), so these pairs end on a message the UAS receives.
  { uas: 'uas-busy-486', uac: 'uac-invite-486', calls: 2, transport: 't1' },
  { uas: 'uas-answer-then-bye', uac: 'uac-invite-wait-bye', calls: 2, transport: 't1' },
  {
    uas: 'uas-ring-answer',
    uac: 'uac-invite-180-200',
    calls: 2,
    check: (t, uac) => t.equal(step(uac, '180', 'received'), 2),
  },
  {
    uas: 'uas-busy-486',
    uac: 'uac-invite-486',
    calls: 2,
    check: (t, uac) => t.equal(step(uac, 'ACK', 'sent'), 2),
  },
  {
    uas: 'uas-redirect-302',
    uac: 'uac-invite-302',
    calls: 2,
    keys: { redirect_to: 'sip:elsewhere@127.0.0.1:5999' },
  },
  {
    uas: 'uas-183-reliable',
    uac: 'uac-prack',
    calls: 2,
    check: (t, uac, uas) => {
      t.equal(step(uac, 'PRACK', 'sent'), 2);
      t.equal(step(uas, 'PRACK', 'received'), 2);
    },
  },
  {
    uas: 'uas-180-cancel',
    uac: 'uac-cancel-after-180',
    calls: 2,
    check: (t, uac) => t.equal(step(uac, '487', 'received'), 2),
  },
  {
    uas: 'uas-subscribe-notify',
    uac: 'uac-subscribe',
    calls: 2,
    check: (t, uac) => t.equal(step(uac, 'NOTIFY', 'received'), 4),
  },
  { uas: 'uas-non-invite-200', uac: 'uac-message', calls: 2 },
  { uas: 'uas-non-invite-200', uac: 'uac-options', calls: 2 },
  { uas: 'uas-non-invite-200', uac: 'uac-register', calls: 2 },
  { uas: 'uas-non-invite-200', uac: 'uac-publish', calls: 2 },
  {
    uas: 'uas-answer-then-bye',
    uac: 'uac-invite-wait-bye',
    calls: 2,
    check: (t, uac) => t.equal(step(uac, 'BYE', 'received'), 2),
  },
  {
    uas: 'uas-200-no-ack',
    uac: 'uac-invite-no-ack',
    calls: 1,
    check: (t, uac, uas) => {
      t.ok(
        (uac.steps.find((s) => s.label === '200')?.retransmissions ?? 0) >= 2,
        'the 200 was retransmitted',
      );
      t.equal(step(uas, 'BYE', 'sent'), 1, 'UAS hung up for want of an ACK');
    },
  },
];

async function runPair(p: Pair): Promise<[SippResult, SippResult]> {
  const port = await freePort();
  const transport = p.transport ?? 'u1';
  const uas = await startSipp({
    scenario: p.uas,
    localPort: port,
    calls: p.calls,
    transport,
    timeoutMs: 20000,
    ...(p.keys ? { keys: p.keys } : {}),
  });
  const uac = await runSipp({
    scenario: p.uac,
    remote: `127.0.0.1:${port}`,
    localPort: await freePort(),
    calls: p.calls,
    rate: 20,
    transport,
    timeoutMs: 20000,
  });
  return [uac, await uas.stop()];
}

function assertPair(t: Test, p: Pair, uac: SippResult, uas: SippResult): void {
  t.equal(uac.passed, true, `UAC ${describeResult(uac)}`);
  t.equal(uac.successful, p.calls, 'UAC calls successful');
  t.equal(uac.failed, 0, 'UAC calls failed');
  t.equal(uas.passed, true, `UAS ${describeResult(uas)}`);
  t.equal(uas.successful, p.calls, 'UAS calls successful');
  t.equal(uas.failed, 0, 'UAS calls failed');
  p.check?.(t, uac, uas);
}

const sipp = requireSipp();
t.test('sipp UAS against sipp UAC on loopback', { skip: 'skip' in sipp ? sipp.skip : false }, async (t) => {
  // A scenario is exercised by a pair here, or — when it needs patchbay itself (digest REGISTER,
  // the headers of an agent offer) — by another test that names it.
  const used = new Set(PAIRS.flatMap((p) => [`${p.uas}.xml`, `${p.uac}.xml`]));
  const named = scenarioNamesInTests();
  const unused = readdirSync(SCENARIO_DIR).filter(
    (f) => f.endsWith('.xml') && !used.has(f) && !named.has(f.slice(0, -'.xml'.length)),
  );
  t.same(unused, [], 'every scenario is exercised by a test');
  // Four pairs at a time: sipp mostly waits, and the machine is small.
  for (let i = 0; i < PAIRS.length; i += 4) {
    const batch = PAIRS.slice(i, i + 4);
    const results = await Promise.all(batch.map(runPair));
    batch.forEach((p, k) => {
      const [uac, uas] = results[k]!;
      t.test(`${p.uas} ⇄ ${p.uac}${p.transport ? ` (${p.transport})` : ''}`, (t) => {
        assertPair(t, p, uac, uas);
        t.end();
      });
    });
  }
});

t.test(
  'a run that cannot finish is stopped at its timeout',
  { skip: 'skip' in sipp ? sipp.skip : false },
  async (t) => {
    const silent = await freePort();
    const r = await runSipp({
      scenario: 'uac-options',
      remote: `127.0.0.1:${silent}`,
      localPort: await freePort(),
      calls: 1,
      timeoutMs: 1000,
    });
    t.equal(r.timedOut, true, describeResult(r));
    t.equal(r.passed, false);
    t.equal(r.successful, 0);
    t.equal(r.outgoingCalls, 1, 'statistics were still written');
    t.ok(
      (r.steps.find((x) => x.label === 'OPTIONS')?.retransmissions ?? 0) >= 1 || r.retransmissions >= 1,
      'OPTIONS retransmitted',
    );
    t.ok(r.durationMs < 5000, `stopped after ${r.durationMs} ms`);
  },
);
