/**
 * srf UAC app on engine B calls srf UAS app on engine A over loopback SIP (UDP and TCP): answered,
 * rejected, redirected, then hung up from either side.
 */
import t from 'tap';
import type Srf from 'drachtio-srf';
import { connectApp, SDP_A, SDP_B, startTestEngine } from './conformance/harness.js';
import { waitFor } from '../test-support/wait.js';

for (const protocol of ['udp', 'tcp'] as const) {
  t.test(`UAS 200 / BYE from the caller over ${protocol}`, async (t) => {
    const a = await startTestEngine(t);
    const b = await startTestEngine(t);
    let uasDialog: Srf.Dialog | undefined;
    let destroyed: string | undefined;
    await connectApp(
      t,
      a,
      (srf) => {
        srf.invite((req, res) => {
          void srf.createUAS(req, res, { localSdp: SDP_B, headers: { 'X-Agent': 'a17' } }).then((d) => {
            uasDialog = d;
            d.on('destroy', () => (destroyed = 'bye'));
          });
        });
      },
      ['invite'],
    );
    const caller = await connectApp(t, b);
    const uac = await caller.createUAC(a.uri('4000', protocol), {
      localSdp: SDP_A,
      headers: { 'X-Call': 'one' },
    });
    t.equal(uac.remote.sdp, SDP_B, 'caller got the answer SDP');
    await waitFor(() => uasDialog, { what: 'uas dialog' });
    t.equal(uasDialog?.remote.sdp, SDP_A, 'callee got the offer');
    t.equal(uasDialog?.req.get('X-Call'), 'one', 'custom header passed through');
    t.equal(a.handle.stats().dialogs, 1);
    t.equal(b.handle.stats().dialogs, 1);
    await new Promise<void>((resolve, reject) =>
      uac.destroy(undefined, (err) => (err ? reject(err as Error) : resolve())),
    );
    await waitFor(() => destroyed, { what: 'callee destroy' });
    await waitFor(() => a.handle.stats().dialogs === 0 && b.handle.stats().dialogs === 0, {
      what: 'dialogs gone',
    });
  });

  t.test(`UAS 486 and 302 over ${protocol}`, async (t) => {
    const a = await startTestEngine(t);
    const b = await startTestEngine(t);
    let n = 0;
    await connectApp(
      t,
      a,
      (srf) => {
        srf.invite((_req, res) => {
          n++;
          if (n === 1) res.send(486);
          else res.send(302, { headers: { Contact: '<sip:elsewhere@127.0.0.1:5999>' } });
        });
      },
      ['invite'],
    );
    const caller = await connectApp(t, b);
    const busy = await caller
      .createUAC(a.uri('4000', protocol), { localSdp: SDP_A })
      .catch((e: unknown) => e);
    t.match(busy, { status: 486 }, '486 reaches the caller');
    const moved = await caller
      .createUAC(a.uri('4000', protocol), { localSdp: SDP_A })
      .catch((e: unknown) => e);
    t.match(moved, { status: 302 }, '302 reaches the caller');
    t.equal(a.handle.stats().dialogs + b.handle.stats().dialogs, 0, 'no dialog left');
  });
}
