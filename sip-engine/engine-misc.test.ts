/**
 * srf apps on two engines: 503 when no app routed the method, MESSAGE over TCP, and SUBSCRIBE/NOTIFY
 * with srf on both sides (UAC createUAC method SUBSCRIBE, UAS createUAS), ended by a terminating
 * NOTIFY. Also the engine on a worker thread.
 */
import t from 'tap';
import type Srf from 'drachtio-srf';
import { DEFAULT_ENGINE_CONFIG } from './config.js';
import { startEngineWorker } from './worker.js';
import { freePort } from '../test-support/ports.js';
import { waitFor } from '../test-support/wait.js';
import { connectApp, onDialog, startTestEngine } from './conformance/harness.js';
import type { TestSrf } from './conformance/harness.js';

function send(
  srf: TestSrf,
  uri: string,
  method: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<number> {
  const loose = srf as unknown as { request(u: string, o: object): Promise<Srf.SrfRequest> };
  return loose.request(uri, { method, headers, ...(body ? { body } : {}) }).then(
    (req) =>
      new Promise<number>((resolve) => {
        req.on('response', (res) => resolve(res?.status ?? 0));
      }),
  );
}

t.test('503 when no app routed the method', async (t) => {
  const a = await startTestEngine(t);
  const b = await startTestEngine(t);
  const app = await connectApp(t, b);
  t.equal(await send(app, a.uri('x'), 'OPTIONS'), 503);
  t.equal(await send(app, a.uri('x', 'tcp'), 'INFO'), 503);
});

t.test('MESSAGE over TCP reaches the app with its UTF-8 body', async (t) => {
  const a = await startTestEngine(t);
  const b = await startTestEngine(t);
  let body: string | undefined;
  await connectApp(t, a, (srf) => srf.message((req, res) => ((body = req.body), res.send(202))), ['message']);
  const app = await connectApp(t, b);
  t.equal(
    await send(
      app,
      a.uri('chat', 'tcp'),
      'MESSAGE',
      { 'Content-Type': 'text/plain;charset=utf-8' },
      'héllo 日本',
    ),
    202,
  );
  t.equal(body, 'héllo 日本');
});

t.test('SUBSCRIBE/NOTIFY between two srf apps, ended by NOTIFY terminated', async (t) => {
  const a = await startTestEngine(t);
  const b = await startTestEngine(t);
  let notifier: Srf.Dialog | undefined;
  await connectApp(
    t,
    a,
    (srf) =>
      srf.subscribe((req, res) => {
        void srf
          .createUAS(req, res, { localSdp: '', headers: { Expires: '60' } })
          .then((d) => (notifier = d));
      }),
    ['subscribe'],
  );
  const app = await connectApp(t, b);
  const states: string[] = [];
  let ended = false;
  const sub = await app.createUAC(a.uri('queue'), {
    method: 'SUBSCRIBE',
    // srf's subscriber matches the terminating NOTIFY by its To URI against the SUBSCRIBE's To.
    headers: { Event: 'presence', Expires: '60', From: `<${a.uri('queue')}>` },
  } as unknown as Srf.CreateUACOptions);
  sub.on('notify', (req: Srf.SrfRequest, res: Srf.SrfResponse) => {
    states.push(req.get('Subscription-State'));
    res.send(200);
  });
  onDialog(sub, 'destroy', () => (ended = true));
  const uas = await waitFor(() => notifier, { what: 'notifier dialog' });
  const notified = await uas.request({
    method: 'NOTIFY',
    headers: { Event: 'presence', 'Subscription-State': 'active;expires=60' },
  } as unknown as Srf.SrfRequest);
  t.equal(notified.status, 200, 'NOTIFY answered by the subscriber');
  t.same(states, ['active;expires=60'], 'subscriber got the active NOTIFY in its dialog');
  uas.destroy();
  await waitFor(() => ended, { what: 'subscriber saw the end' });
  await waitFor(() => a.handle.stats().dialogs === 0 && b.handle.stats().dialogs === 0, {
    what: 'dialogs gone',
  });
  t.pass('both sides removed the subscription dialog');
});

t.test('the engine on a worker thread serves an srf app', async (t) => {
  const sipPort = await freePort();
  const handle = await startEngineWorker({
    ...DEFAULT_ENGINE_CONFIG,
    contacts: [{ uri: `sip:127.0.0.1:${sipPort};transport=udp,tcp` }],
    admin: { address: '127.0.0.1', port: 0, secret: 'w' },
  });
  t.teardown(() => handle.stop());
  t.not(handle.threadId, 0, 'runs on another thread');
  t.equal(handle.sipEndpoints[0]?.port, sipPort);
  const worker = { handle: { adminPort: handle.adminPort, routedVerbs: () => [] }, secret: 'w' };
  let got = 0;
  await connectApp(t, worker as never, (srf) => srf.options((_req, res) => (got++, res.send(200))));
  const b = await startTestEngine(t);
  const app = await connectApp(t, b);
  const status = await waitFor(
    async () => {
      const s = await send(app, `sip:w@127.0.0.1:${sipPort}`, 'OPTIONS');
      return s === 200 ? s : undefined;
    },
    { what: 'OPTIONS answered by the worker engine' },
  );
  t.equal(status, 200);
  t.ok(got >= 1);
  const stats = await handle.refreshStats();
  t.ok(stats.transport.messagesReceived >= 1, 'stats come back from the worker');
});
