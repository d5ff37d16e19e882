/**
 * Presence follows real calls (issue 4 item 5), through `patchbay start` with the embedded presence
 * server: a watcher (an srf UAC on its own engine, authenticated as agent a2) SUBSCRIBEs to agent
 * a1 with Event: dialog (RFC 4235) and Event: presence (RFC 3856); a SIPp caller dials the queue,
 * a1's SIPp device (registered with digest) rings 500 ms and answers, the caller hangs up. The
 * dialog watcher sees a1's dialog early → confirmed → terminated and then gone; the presence
 * watcher sees `on-the-phone` (RFC 4480 §3.2) while the call is connected, then no longer.
 */
import t from 'tap';
import type { Test } from 'tap';
import { parseDialogInfo } from '../../presence/codecs/dialog-info.js';
import type { DialogInfo } from '../../presence/codecs/dialog-info.js';
import { parsePidf } from '../../presence/codecs/pidf.js';
import { Watcher } from '../../presence/server/testing/sip-clients.js';
import type { SeenNotify } from '../../presence/server/testing/sip-clients.js';
import { srfOnOwnEngine } from '../../test-support/srf-engine-app.js';
import type { Srf } from '../../test-support/srf-app.js';
import { waitFor } from '../../test-support/wait.js';
import { describeResult, requireSipp } from '../harness/sipp.js';
import { InboundWorld } from './inbound-world.js';

const A1 = 'sip:a1@127.0.0.1';
/** The watcher is another agent of the domain (inbound-world's credentials for a2). */
const WATCHER = { aor: 'sip:a2@127.0.0.1', auth: { username: 'a2', password: 'a2-secret-password' } };

function dialogInfoOf(n: SeenNotify): DialogInfo {
  const r = parseDialogInfo(n.body);
  if (!r.ok) throw new Error(`bad dialog-info body: ${r.error.message}\n${n.body}`);
  return r.value;
}

/** a1's dialog state in one NOTIFY (`none` when the document lists no dialog). */
const dialogState = (n: SeenNotify): string => dialogInfoOf(n).dialogs[0]?.state ?? 'none';

function onThePhone(n: SeenNotify): boolean {
  const r = parsePidf(n.body);
  if (!r.ok) throw new Error(`bad PIDF body: ${r.error.message}\n${n.body}`);
  return r.value.persons.some((p) => p.activities?.activities.includes('on-the-phone') ?? false);
}

/** Consecutive repeats folded: what a watcher saw change. */
const changes = <T>(xs: readonly T[]): T[] => xs.filter((x, i) => i === 0 || x !== xs[i - 1]);

async function watch(t: Test, srf: Srf, w: InboundWorld, event: 'dialog' | 'presence'): Promise<Watcher> {
  const watcher = await Watcher.subscribe(srf, {
    uri: A1,
    proxy: `sip:127.0.0.1:${w.sipPort};transport=udp`,
    from: WATCHER.aor,
    auth: WATCHER.auth,
    event,
  });
  if (typeof watcher === 'number') throw new Error(`SUBSCRIBE (Event: ${event}) refused with ${watcher}`);
  const first = await watcher.notify(0, 20_000);
  t.match(first.state, /^active/, `Event: ${event}: 200 and an immediate NOTIFY (RFC 6665 §4.2.1)`);
  return watcher;
}

const sipp = requireSipp();
if ('skip' in sipp) {
  t.test('busy lamps and on-the-phone over SIP', { skip: sipp.skip }, () => undefined);
} else {
  const w = await InboundWorld.start(t);
  const srf = await srfOnOwnEngine(t);

  t.test('a1 registers its SIPp device and logs in', (t) => w.registerAndLogIn(t, 'a1'));

  t.test(
    'a1 answers a queue call: dialog early → confirmed → terminated, on-the-phone while connected',
    async (t) => {
      await w.waitState('a1', 'ready');
      const dialog = await watch(t, srf, w, 'dialog');
      const presence = await watch(t, srf, w, 'presence');
      t.equal(dialog.notifies[0]?.contentType, 'application/dialog-info+xml');
      t.equal(dialogState(dialog.notifies[0] as SeenNotify), 'none', 'no dialog before the call');
      t.notOk(onThePhone(presence.notifies[0] as SeenNotify), 'not on the phone before the call');

      const from = w.events.length;
      const device = await w.device('a1', 'uas-agent-answer');
      const caller = await w.caller('uac-invite-180-200', '4000');
      t.ok(caller.passed, `caller: ${describeResult(caller)}`);
      t.ok((await device.done).passed, 'a1 device rang and answered');
      const callId = await w.arrivedCall('4000', from);
      t.match((await w.ended(callId)).data, { outcome: 'completed', agentId: 'a1' });

      // The terminated dialog lingers (5 s), then the lamp's document is empty again.
      const seen = await waitFor(
        () => {
          const s = changes(dialog.notifies.map(dialogState));
          return s.length >= 5 ? s : undefined;
        },
        { timeoutMs: 60_000, what: 'dialog NOTIFYs up to the removal' },
      ).catch((err: unknown) => {
        throw new Error(`${String(err)}; bodies:\n${dialog.notifies.map((n) => n.body).join('\n')}`, {
          cause: err,
        });
      });
      t.same(seen, ['none', 'early', 'confirmed', 'terminated', 'none'], 'the busy lamp followed the call');
      const docs = dialog.notifies.map(dialogInfoOf);
      t.same(
        docs.map((d) => d.version),
        docs.map((_, i) => i),
        'RFC 4235 §4.1: version counts the NOTIFYs from 0',
      );
      t.ok(
        docs.every((d) => d.entity === A1 && d.state === 'full'),
        'full documents about a1',
      );
      const early = docs.flatMap((d) => d.dialogs).find((d) => d.state === 'early');
      t.equal(early?.direction, 'recipient', 'a1 is the recipient of the offer (RFC 4235 §4.1.1)');
      const ended = docs.flatMap((d) => d.dialogs).find((d) => d.state === 'terminated');
      t.equal(ended?.event, 'remote-bye', 'the caller hung up: a BYE from the remote side (RFC 4235 §4.1.2)');
      t.equal(new Set(docs.flatMap((d) => d.dialogs).map((d) => d.id)).size, 1, 'one dialog id throughout');

      const phone = changes(presence.notifies.map(onThePhone));
      t.same(phone, [false, true, false], 'PIDF: on-the-phone while connected, then not');
      t.ok(
        presence.notifies.every((n) => n.contentType === 'application/pidf+xml' && /^active/.test(n.state)),
        'every presence NOTIFY is an active PIDF',
      );
      t.equal((await w.state('a1')).devices, 1, 'a1 still registered');
    },
  );
}
