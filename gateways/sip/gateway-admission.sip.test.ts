/**
 * Gateway admission and OPTIONS health over real SIP: patchbay's engine with an srf app that admits
 * INVITEs through the GatewayService (srfAdmitInbound: inviteViewOf → admitInvite → sendRefusal), SIPp as
 * the gateway. A configured source is admitted with its numbers in E.164; 127.0.0.2 (not configured)
 * gets a bare 403; past the limit (two calls held open by SIPp) a 503 with Retry-After; a SIPp UAS
 * answering OPTIONS is up, goes down when it stops answering, and comes back.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { Srf, SrfDialog } from '../../infra/drachtio/srf-connection.js';
import { describeResult, requireSipp, runSipp, startSipp } from '../../sip-tests/harness/sipp.js';
import type { SippProcess } from '../../sip-tests/harness/sipp.js';
import { appSdp, hangUp, startEngineWorld } from '../../sip-tests/engine/engine-world.js';
import { systemClock } from '../../sip-engine/util/clock.js';
import { freePort } from '../../test-support/ports.js';
import { waitFor } from '../../test-support/wait.js';
import { GatewayService } from '../service/gateway-service.js';
import type { GatewayHealthChange } from '../service/gateway-service.js';
import type { ProbeOutcome } from '../model/health-machine.js';
import { liveGateway } from '../service/gateway-testkit.js';
import { createOptionsProbe } from './options-probe.js';
import { srfAdmitInbound } from './srf-invite.js';
import type { AdmittedCall } from './srf-invite.js';

const sipp = requireSipp();
const HERE = dirname(fileURLToPath(import.meta.url));
const scenario = (name: string): string => join(HERE, 'scenarios', `${name}.xml`);
if ('skip' in sipp) {
  t.plan(0, sipp.skip);
} else {
  const world = await startEngineWorld(t, { transports: ['udp'] });
  const remote = world.hostport('udp');
  const refused: string[] = [];
  const health: GatewayHealthChange[] = [];
  const service = new GatewayService({
    clock: systemClock,
    observer: {
      refused: (r) => refused.push(`${r.status} ${r.logReason}`),
      healthChanged: (c) => health.push(c),
    },
  });
  t.teardown(() => service.stop());
  const admit = srfAdmitInbound(service); // what the router's INVITE handler takes
  const admitted: AdmittedCall[] = [];
  const dialogs: { dialog: SrfDialog; release(): void }[] = [];
  const srf = await world.connectApp(
    (srf) =>
      srf.invite((req, res) => {
        void admit(req, res).then((call) => {
          if (!call) return; // refused: the 403 / 503 / 401 has been sent
          admitted.push(call);
          srf.createUAS(req, res, { localSdp: appSdp(admitted.length, 40000) }).then(
            (dialog) => {
              dialog.on('destroy', () => call.release()); // the caller hung up
              dialogs.push({ dialog, release: () => call.release() });
            },
            () => call.release(),
          );
        });
      }),
    ['invite'],
  );
  /** We hang up (srf emits 'destroy' only for the far end's BYE), then the call's slot goes back. */
  const hangUpAll = () =>
    Promise.all(
      dialogs.splice(0).map(async (d) => {
        await hangUp(d.dialog);
        d.release();
      }),
    );
  const carrier = {
    id: 'carrier',
    sources: ['127.0.0.1/32'],
    numbering: { countryCode: '49', nationalPrefix: '0', internationalPrefix: '00' },
    maxConcurrentCalls: 2,
    retryAfterSeconds: 9,
  };

  t.test('an INVITE from the configured address is admitted with E.164 numbers', async (t) => {
    service.replace([liveGateway(carrier)]);
    const caller = await startSipp({
      scenario: scenario('uac-gateway-wait-bye'),
      remote,
      localPort: await freePort(),
      service: '0301234567',
      calls: 1,
      timeoutMs: 60_000,
    });
    await waitFor(() => dialogs.length === 1, { timeoutMs: 30_000, what: 'the call answered' });
    t.match(admitted[0], {
      gatewayId: 'carrier',
      dialled: '+49301234567',
      caller: '+4989123456',
      callerRestricted: false,
    });
    t.equal(service.status('carrier')?.activeCalls, 1);
    await hangUpAll();
    const result = await caller.done;
    t.ok(result.passed, describeResult(result));
    await waitFor(() => service.status('carrier')?.activeCalls === 0, {
      timeoutMs: 10_000,
      what: 'slot released',
    });
  });

  t.test('an unknown source (127.0.0.2) gets a bare 403, counted', async (t) => {
    service.replace([liveGateway(carrier)]);
    const before = admitted.length;
    const r = await runSipp({
      scenario: scenario('uac-invite-403'),
      remote,
      localHost: '127.0.0.2',
      localPort: await freePort('127.0.0.2'),
      service: '0301234567',
      calls: 1,
      timeoutMs: 30_000,
    });
    t.ok(r.passed, describeResult(r));
    t.equal(admitted.length, before, 'nothing admitted');
    t.same(refused.splice(0), ['403 unknown-source']);
  });

  t.test('over the limit: 503 with Retry-After while two calls are held open', async (t) => {
    service.replace([liveGateway(carrier)]);
    const held: SippProcess = await startSipp({
      scenario: scenario('uac-gateway-wait-bye'),
      remote,
      localPort: await freePort(),
      service: '0301234567',
      calls: 2,
      rate: 10,
      timeoutMs: 60_000,
    });
    await waitFor(() => dialogs.length === 2, { timeoutMs: 30_000, what: 'two calls held' });
    t.equal(service.status('carrier')?.activeCalls, 2);
    const r = await runSipp({
      scenario: scenario('uac-invite-503'),
      remote,
      localPort: await freePort(),
      service: '0301234567',
      calls: 1,
      timeoutMs: 30_000,
    });
    t.ok(r.passed, `503 with Retry-After seen: ${describeResult(r)}`);
    t.same(refused.splice(0), ['503 gateway-full']);
    await hangUpAll();
    const heldResult = await held.done;
    t.ok(heldResult.passed, describeResult(heldResult));
    await waitFor(() => service.status('carrier')?.activeCalls === 0, {
      timeoutMs: 10_000,
      what: 'slots released',
    });
  });

  t.test('OPTIONS health: up while SIPp answers, down when it stops, up again', async (t) => {
    const port = await freePort();
    const policy = { intervalMs: 1000, timeoutMs: 500, failuresToDown: 2, successesToUp: 1 };
    service.replace([liveGateway({ id: 'trunk', host: '127.0.0.1', port, health: policy })]);
    const uas = await startSipp({ scenario: 'uas-non-invite-200', localPort: port, timeoutMs: 120_000 });
    const ping = createOptionsProbe(srf as Srf);
    const outcomes: ProbeOutcome[] = [];
    service.enableHealthChecks(async (g) => {
      const o = await ping(g);
      outcomes.push(o);
      return o;
    });
    const answered200 = () => outcomes.filter((o) => o.kind === 'response' && o.status === 200).length;
    await waitFor(() => answered200() >= 2, { timeoutMs: 20_000, what: 'two pings answered 200' });
    t.equal(service.status('trunk')?.health, 'up');
    t.equal(service.outbound('+4930').length, 1, 'up: in the outbound plan');
    const answered = await uas.stop();
    t.ok(answered.incomingCalls >= 1, `SIPp answered ${answered.incomingCalls} OPTIONS`);
    await waitFor(() => service.status('trunk')?.health === 'down', { timeoutMs: 30_000, what: 'down' });
    t.same(service.outbound('+4930'), [], 'down: out of the outbound plan');
    const again = await startSipp({ scenario: 'uas-non-invite-200', localPort: port, timeoutMs: 120_000 });
    t.teardown(() => again.stop());
    const before = answered200();
    await waitFor(() => service.status('trunk')?.health === 'up', { timeoutMs: 30_000, what: 'up again' });
    t.ok(answered200() > before, 'brought back by an answered ping');
    t.equal(service.outbound('+4930').length, 1, 'back in the plan');
    t.same(
      health.filter((c) => c.gatewayId === 'trunk').map((c) => `${c.from}→${c.to}`),
      ['up→suspect', 'suspect→down', 'down→up'],
    );
  });
}
