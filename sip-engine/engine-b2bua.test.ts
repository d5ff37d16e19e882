/**
 * B2BUA through the engine: caller app (engine B) → B2BUA app (engine A, srf.createB2BUA) → callee
 * app (engine C). Covers answer, re-INVITE and INFO through both legs, BYE from either side, and
 * CANCEL before and after the 180.
 */
import t from 'tap';
import type Srf from 'drachtio-srf';
import { connectApp, SDP_A, SDP_B, startTestEngine } from './conformance/harness.js';
import type { TestEngine, TestSrf, Teardown } from './conformance/harness.js';
import { waitFor } from '../test-support/wait.js';

interface World {
  a: TestEngine;
  b: TestEngine;
  c: TestEngine;
  caller: TestSrf;
  b2bResult: Promise<{ uas: Srf.Dialog; uac: Srf.Dialog } | Error>;
}

/** Wires the B2BUA app: every INVITE to engine A goes on to engine C; re-INVITE, INFO and BYE follow. */
function b2bua(
  srf: TestSrf,
  c: TestEngine,
  world: { result?: Promise<{ uas: Srf.Dialog; uac: Srf.Dialog } | Error> },
): void {
  srf.invite((req, res) => {
    world.result = srf.createB2BUA(req, res, c.uri('agent'), { localSdpB: req.body }).then(
      ({ uas, uac }) => {
        uas.on('destroy', () => uac.destroy());
        uac.on('destroy', () => uas.destroy());
        uas.on('modify', (r: Srf.SrfRequest, s: Srf.SrfResponse) => {
          void uac.modify(r.body).then((sdp) => s.send(200, { body: sdp }));
        });
        uas.on('info', (r: Srf.SrfRequest, s: Srf.SrfResponse) => {
          void uac
            .request({
              method: 'INFO',
              headers: { 'X-Info': r.get('X-Info') },
              body: r.body,
            } as unknown as Srf.SrfRequest)
            .then((answer) => s.send(answer.status));
        });
        return { uas, uac };
      },
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
  });
}

async function world(
  t: Teardown,
  callee: (srf: TestSrf) => void,
): Promise<World & { holder: { result?: World['b2bResult'] } }> {
  const [a, b, c] = await Promise.all([startTestEngine(t), startTestEngine(t), startTestEngine(t)]);
  await connectApp(t, c, callee, ['invite']);
  const holder: { result?: World['b2bResult'] } = {};
  await connectApp(t, a, (srf) => b2bua(srf, c, holder), ['invite']);
  const caller = await connectApp(t, b);
  return { a, b, c, caller, holder, b2bResult: Promise.resolve(new Error('unused')) };
}

t.test('B2BUA: answer, re-INVITE, INFO, BYE from the callee', async (t) => {
  let calleeDialog: Srf.Dialog | undefined;
  let infoSeen: string | undefined;
  let reinviteSeen = false;
  const w = await world(t, (srf) => {
    srf.invite((req, res) => {
      res.send(180);
      void srf.createUAS(req, res, { localSdp: SDP_B }).then((d) => {
        calleeDialog = d;
        d.on('info', (r: Srf.SrfRequest, s: Srf.SrfResponse) => {
          infoSeen = r.get('X-Info');
          s.send(200);
        });
        d.on('modify', (_r: Srf.SrfRequest, s: Srf.SrfResponse) => {
          reinviteSeen = true;
          s.send(200, { body: SDP_B });
        });
      });
    });
  });
  const provisional: number[] = [];
  const uac = await w.caller.createUAC(
    w.a.uri('sales'),
    { localSdp: SDP_A },
    { cbProvisional: (r) => provisional.push(r.status) },
  );
  t.ok(provisional.includes(180), '180 relayed to the caller');
  t.equal(uac.remote.sdp, SDP_B, 'answer SDP relayed');
  await waitFor(() => calleeDialog, { what: 'callee dialog' });
  const sdp = await uac.modify(SDP_A.replace('a=sendrecv', 'a=sendonly'));
  t.equal(sdp, SDP_B, 're-INVITE answered through the B2BUA');
  t.ok(reinviteSeen, 'callee saw the re-INVITE');
  const info = await uac.request({
    method: 'INFO',
    headers: { 'X-Info': 'dtmf-5' },
  } as unknown as Srf.SrfRequest);
  t.equal(info.status, 200, 'INFO answered');
  t.equal(infoSeen, 'dtmf-5', 'INFO reached the callee');
  const callerGone = new Promise<void>((resolve) => uac.on('destroy', () => resolve()));
  calleeDialog?.destroy();
  await callerGone;
  await waitFor(() => [w.a, w.b, w.c].every((e) => e.handle.stats().dialogs === 0), {
    what: 'all dialogs gone',
  });
});

t.test('B2BUA: BYE from the caller', async (t) => {
  let calleeDestroyed = false;
  const w = await world(t, (srf) => {
    srf.invite((req, res) => {
      void srf
        .createUAS(req, res, { localSdp: SDP_B })
        .then((d) => d.on('destroy', () => (calleeDestroyed = true)));
    });
  });
  const uac = await w.caller.createUAC(w.a.uri('sales'), { localSdp: SDP_A });
  await waitFor(() => w.c.handle.stats().dialogs === 1, { what: 'callee dialog' });
  uac.destroy();
  t.ok(
    await waitFor(() => calleeDestroyed, { what: 'callee BYE' }),
    'callee dialog destroyed by the relayed BYE',
  );
  await waitFor(() => [w.a, w.b, w.c].every((e) => e.handle.stats().dialogs === 0), {
    what: 'all dialogs gone',
  });
});

for (const when of ['before 180', 'after 180'] as const) {
  t.test(`B2BUA: caller CANCELs ${when}`, async (t) => {
    let calleeCanceled = false;
    const w = await world(t, (srf) => {
      srf.invite((req, res) => {
        req.on('cancel', () => (calleeCanceled = true));
        if (when === 'after 180') res.send(180);
      });
    });
    let sent: Srf.SrfRequest | undefined;
    let ringing = false;
    const outcome = w.caller
      .createUAC(
        w.a.uri('sales'),
        { localSdp: SDP_A },
        {
          // srf calls cbRequest(err, req) although its typings say cbRequest(req).
          cbRequest: ((_e: unknown, r: Srf.SrfRequest) => (sent = r)) as unknown as (
            r: Srf.SrfRequest,
          ) => void,
          cbProvisional: (r) => (ringing ||= r.status === 180),
        },
      )
      .then(
        () => new Error('call was answered'),
        (e: unknown) => e,
      );
    if (when === 'after 180') await waitFor(() => ringing, { what: '180 at the caller' });
    else await waitFor(() => w.c.handle.stats().pendingRequests === 1, { what: 'INVITE at the callee' });
    const req = await waitFor(() => sent, { what: 'request sent' });
    req.cancel((err) => t.notOk(err, 'CANCEL accepted'));
    t.match(await outcome, { status: 487 }, 'caller sees 487');
    await waitFor(() => calleeCanceled, { what: 'callee app got the CANCEL' });
    t.match(await w.holder.result, { status: 487 }, 'B2BUA result is a 487');
    await waitFor(() => [w.a, w.b, w.c].every((e) => e.handle.stats().dialogs === 0), { what: 'no dialogs' });
  });
}
