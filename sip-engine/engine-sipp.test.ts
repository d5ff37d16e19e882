/**
 * srf apps on the engine against SIPp peers (sip-tests/harness, sip-tests/scenarios): the 2xx that is
 * never ACKed (timer G retransmissions, timer H → BYE + destroy "ACK timeout"), reliable 183 + PRACK
 * in both directions, and non-INVITE requests (OPTIONS, MESSAGE, REGISTER, PUBLISH, SUBSCRIBE).
 */
import t from 'tap';
import type Srf from 'drachtio-srf';
import { describeResult, requireSipp, runSipp, startSipp } from '../sip-tests/harness/sipp.js';
import { freePort } from '../test-support/ports.js';
import { waitFor } from '../test-support/wait.js';
import { fileURLToPath } from 'node:url';
import { connectApp, onDialog, SDP_B, SDP_A, sendReliable, startTestEngine } from './conformance/harness.js';

const OWN_SCENARIOS = fileURLToPath(new URL('./conformance/scenarios/', import.meta.url));

const sipp = requireSipp();
if ('skip' in sipp) t.plan(0, sipp.skip);

async function counterValue(
  metrics: { registry: { getSingleMetricAsString(n: string): Promise<string> } },
  name: string,
  label: string,
): Promise<number> {
  const text = await metrics.registry.getSingleMetricAsString(name);
  const line = text.split('\n').find((l) => l.includes(label));
  return line ? Number(line.split(' ').pop()) : 0;
}

t.test('2xx never ACKed: retransmitted, then BYE and destroy "ACK timeout"', async (t) => {
  const a = await startTestEngine(t, { t1Ms: 50 });
  let reason: string | undefined;
  await connectApp(
    t,
    a,
    (srf) =>
      srf.invite((req, res) => {
        void srf
          .createUAS(req, res, { localSdp: SDP_B })
          .then((d) => onDialog(d, 'destroy', (_m, why) => (reason = why)));
      }),
    ['invite'],
  );
  const r = await runSipp({
    scenario: 'uac-invite-no-ack',
    remote: `127.0.0.1:${a.sipPort}`,
    localPort: await freePort(),
    calls: 1,
    timeoutMs: 20000,
  });
  t.equal(r.successful, 1, `sipp saw the BYE: ${describeResult(r)}`);
  await waitFor(() => reason, { what: 'destroy' });
  t.equal(reason, 'ACK timeout', 'srf destroy reason from the unsolicited BYE');
  t.ok(
    (await counterValue(a.handle.metrics, 'sip_engine_retransmissions_total', 'kind="2xx"')) >= 2,
    '2xx retransmitted (timer G)',
  );
  t.equal(a.handle.stats().dialogs, 0, 'dialog removed');
});

t.test('UAS reliable 183 + PRACK (sipp calls the srf app)', async (t) => {
  const a = await startTestEngine(t);
  let pracked = false;
  await connectApp(
    t,
    a,
    (srf) =>
      srf.invite((req, res) => {
        sendReliable(res, 183, { headers: { Require: '100rel' }, body: SDP_B }, () => {
          pracked = true;
          void srf.createUAS(req, res, { localSdp: SDP_B });
        });
      }),
    ['invite'],
  );
  const r = await runSipp({
    scenario: `${OWN_SCENARIOS}uac-prack.xml`,
    remote: `127.0.0.1:${a.sipPort}`,
    localPort: await freePort(),
    calls: 1,
    timeoutMs: 15000,
  });
  t.equal(r.successful, 1, describeResult(r));
  t.ok(pracked, 'the app saw the PRACK');
});

t.test('UAC 183 reliable + PRACK, then 200 (srf app calls sipp)', async (t) => {
  const a = await startTestEngine(t);
  const app = await connectApp(t, a);
  const port = await freePort();
  const peer = await startSipp({ scenario: 'uas-183-reliable', localPort: port, calls: 1, timeoutMs: 15000 });
  const statuses: number[] = [];
  const uac = await app.createUAC(
    `sip:agent@127.0.0.1:${port}`,
    { localSdp: SDP_A, headers: { Supported: '100rel' } },
    {
      cbProvisional: (res) => statuses.push(res.status),
    },
  );
  t.ok(statuses.includes(183), 'the 183 reached the app');
  uac.destroy();
  const r = await peer.done;
  t.equal(r.successful, 1, describeResult(r));
});

t.test('UAC 180 then 200 and 408 for a peer that never answers', async (t) => {
  const a = await startTestEngine(t, { t1Ms: 50 });
  const app = await connectApp(t, a);
  const port = await freePort();
  const peer = await startSipp({
    scenario: 'uas-ring-answer',
    localPort: port,
    calls: 1,
    timeoutMs: 15000,
  }).catch(() => undefined);
  if (peer) {
    const statuses: number[] = [];
    const uac = await app.createUAC(
      `sip:agent@127.0.0.1:${port}`,
      { localSdp: SDP_A },
      { cbProvisional: (res) => statuses.push(res.status) },
    );
    t.ok(statuses.includes(180), '180 reached the app');
    uac.destroy();
    const r = await peer.done;
    t.equal(r.successful, 1, describeResult(r));
  }
  const silent = await freePort();
  const err = await app
    .createUAC(`sip:nobody@127.0.0.1:${silent}`, { localSdp: SDP_A })
    .catch((e: unknown) => e);
  t.match(err, { status: 408 }, 'timer B gives the app a 408');
});

for (const scenario of ['uac-options', 'uac-message', 'uac-register', 'uac-publish'] as const) {
  t.test(`${scenario}: the srf app answers`, async (t) => {
    const a = await startTestEngine(t);
    const seen: string[] = [];
    const handler = (req: Srf.SrfRequest, res: Srf.SrfResponse): void => {
      seen.push(req.method);
      const headers: Record<string, string> =
        req.method === 'REGISTER'
          ? { Contact: req.get('Contact'), Expires: '60' }
          : req.method === 'PUBLISH'
            ? { 'SIP-ETag': 'etag-1', Expires: '60' } // RFC 3903 §6
            : {};
      res.send(200, { headers });
    };
    await connectApp(
      t,
      a,
      (srf) => {
        srf.options(handler);
        srf.message(handler);
        srf.register(handler);
        srf.publish(handler);
      },
      ['options', 'message', 'register', 'publish'],
    );
    const r = await runSipp({
      scenario,
      remote: `127.0.0.1:${a.sipPort}`,
      localPort: await freePort(),
      calls: 1,
      timeoutMs: 10000,
    });
    t.equal(r.successful, 1, describeResult(r));
    t.equal(seen.length, 1, `the app saw ${seen.join(',')}`);
  });
}

t.test('UAS SUBSCRIBE: 202, NOTIFY, un-SUBSCRIBE, terminating NOTIFY', async (t) => {
  const a = await startTestEngine(t);
  await connectApp(
    t,
    a,
    (srf) =>
      srf.subscribe((req, res) => {
        void srf.createUAS(req, res, { localSdp: '', headers: { Expires: req.get('Expires') } }).then((d) => {
          void d.request({
            method: 'NOTIFY',
            headers: { Event: 'presence', 'Subscription-State': 'active;expires=60' },
          } as unknown as Srf.SrfRequest);
          onDialog(d, 'unsubscribe', () => {
            void d.request({
              method: 'NOTIFY',
              headers: { Event: 'presence', 'Subscription-State': 'terminated;reason=timeout' },
            } as unknown as Srf.SrfRequest);
          });
        });
      }),
    ['subscribe'],
  );
  const r = await runSipp({
    scenario: 'uac-subscribe',
    remote: `127.0.0.1:${a.sipPort}`,
    localPort: await freePort(),
    calls: 1,
    timeoutMs: 10000,
  });
  t.equal(r.successful, 1, describeResult(r));
  await waitFor(() => a.handle.stats().dialogs === 0, { what: 'subscription dialog removed' });
});
