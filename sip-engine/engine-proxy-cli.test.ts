/**
 * The `proxy` command reaches the proxy core with the pending request's transaction (srf
 * proxyRequest through engine A to a UAS app on engine C), the record-routed BYE is relayed through
 * a transaction that completes, and `patchbay engine` option parsing.
 */
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Srf from 'drachtio-srf';
import { engineConfigFromArgs, EngineCliError } from '../cli/commands/engine.js';
import { waitFor } from '../test-support/wait.js';
import { connectApp, SDP_A, SDP_B, startTestEngine } from './conformance/harness.js';

t.test('srf proxyRequest through the engine', async (t) => {
  // T1 = 20 ms: Timers J and L (64·T1) end the proxy's server transactions within ~1.3 s.
  const [a, b, c] = await Promise.all([
    startTestEngine(t, { t1Ms: 20 }),
    startTestEngine(t),
    startTestEngine(t),
  ]);
  let callee: Srf.Dialog | undefined;
  await connectApp(
    t,
    c,
    (srf) =>
      srf.invite((req, res) => void srf.createUAS(req, res, { localSdp: SDP_B }).then((d) => (callee = d))),
    ['invite'],
  );
  let result: unknown;
  await connectApp(
    t,
    a,
    (srf) =>
      srf.invite((req) => {
        const loose = srf as unknown as {
          proxyRequest(r: Srf.SrfRequest, dest: string[], o: object): Promise<unknown>;
        };
        void loose.proxyRequest(req, [c.uri('agent')], { recordRoute: true }).then((r) => (result = r));
      }),
    ['invite'],
  );
  const caller = await connectApp(t, b);
  const uac = await caller.createUAC(a.uri('sales'), { localSdp: SDP_A });
  t.equal(uac.remote.sdp, SDP_B, 'answered through the proxy');
  await waitFor(() => result, { what: 'proxy result' });
  t.match(result, { connected: true, finalStatus: 200 }, 'srf proxy result');
  await waitFor(() => callee, { what: 'callee dialog' });
  const gone = new Promise<void>((resolve) => callee?.on('destroy', () => resolve()));
  uac.destroy();
  await gone;
  t.equal(a.handle.stats().dialogs, 0, 'the proxy keeps no dialog');
  // Spec §3.2 step 4: the record-routed BYE went through a server transaction that was answered.
  await waitFor(() => a.handle.stats().transactions.server === 0, {
    what: 'proxy server transactions to end',
    timeoutMs: 5000,
  });
  t.same(a.handle.stats().transactions, { client: 0, server: 0 }, 'no transaction left on the proxy');
});

t.test('patchbay engine options: defaults, file, flags, errors', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-cli-'));
  const file = join(dir, 'engine.yaml');
  writeFileSync(file, 'cdrs: true\ntimers:\n  t2Ms: 8000\nadmin:\n  secret: fromfile\n');
  const { config } = engineConfigFromArgs([
    '--config',
    file,
    '--contact',
    'sip:127.0.0.1:5070;transport=udp',
    '--contact',
    'sip:[::1]:5070;transport=tcp',
    '--external-ip',
    '203.0.113.7',
    '--admin',
    '127.0.0.1:9123',
    '--t1',
    '100',
  ]);
  t.equal(config.cdrs, true, 'from the file');
  t.same(config.timers, { t1Ms: 100, t2Ms: 8000, t4Ms: 5000 }, 'file and flag merged onto defaults');
  t.same(config.admin, { address: '127.0.0.1', port: 9123, secret: 'fromfile' });
  t.same(
    config.contacts.map((c) => c.externalIp),
    ['203.0.113.7', '203.0.113.7'],
  );
  t.equal(engineConfigFromArgs(['--help']).help, true);
  t.throws(() => engineConfigFromArgs(['--t1', 'soon', '--admin', 'nope']), EngineCliError);
  writeFileSync(file, 'timers: 5\n');
  t.throws(() => engineConfigFromArgs(['--config', file]), /timers: expected a mapping/);
  t.end();
});
