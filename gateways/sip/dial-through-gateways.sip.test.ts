/**
 * dialThroughGateways over real SIP: patchbay's engine with an srf app dialling out through a
 * GatewayService whose gateways are SIPp UASs. A 503 from the first (priority) gateway fails over to
 * the second, which answers; a 486 is final (the next gateway is not tried); no gateway → exhausted.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { Srf } from '../../infra/drachtio/srf-connection.js';
import { describeResult, requireSipp, startSipp } from '../../sip-tests/harness/sipp.js';
import { appSdp, hangUp, startEngineWorld } from '../../sip-tests/engine/engine-world.js';
import { systemClock } from '../../sip-engine/util/clock.js';
import { freePort } from '../../test-support/ports.js';
import { GatewayService } from '../service/gateway-service.js';
import { liveGateway } from '../service/gateway-testkit.js';
import { dialThroughGateways } from './dial-through-gateways.js';

const sipp = requireSipp();
const scenario = (name: string): string =>
  join(dirname(fileURLToPath(import.meta.url)), 'scenarios', `${name}.xml`);
if ('skip' in sipp) {
  t.plan(0, sipp.skip);
} else {
  const world = await startEngineWorld(t, { transports: ['udp'] });
  const srf = (await world.connectApp()) as Srf;
  const service = new GatewayService({ clock: systemClock });
  const gateway = (id: string, port: number, priority: number) =>
    liveGateway({ id, host: '127.0.0.1', port, priority, health: { enabled: false } });
  const options = { sdp: appSdp(7, 40002), timeoutMs: 10_000 };

  t.test('503 from the first gateway → the second answers; its slot is held until released', async (t) => {
    const [p1, p2] = [await freePort(), await freePort()];
    const failing = await startSipp({ scenario: scenario('uas-unavailable-503'), localPort: p1, calls: 1 });
    const answering = await startSipp({ scenario: 'uas-answer-200', localPort: p2, calls: 1 });
    service.replace([gateway('first', p1, 10), { ...gateway('second', p2, 20), maxConcurrentCalls: 1 }]);
    const r = await dialThroughGateways(srf, service, '+4930123456', options);
    if (r.kind !== 'answered') throw new Error(`expected answered, got ${JSON.stringify(r)}`);
    t.equal(r.gatewayId, 'second');
    t.same(r.tried, [
      { gatewayId: 'first', outcome: { kind: 'response', status: 503 } },
      { gatewayId: 'second', outcome: { kind: 'response', status: 200 } },
    ]);
    t.equal(service.status('second')?.activeCalls, 1);
    t.equal(service.status('first')?.activeCalls, 0, 'the failed attempt gave its slot back');
    await hangUp(r.dialog);
    r.lease.release();
    t.equal(service.status('second')?.activeCalls, 0);
    for (const p of [failing, answering]) {
      const res = await p.done;
      t.ok(res.passed, describeResult(res));
    }
  });

  t.test('486 is final: relayed, the next gateway is not tried', async (t) => {
    const [p1, p2] = [await freePort(), await freePort()];
    const busy = await startSipp({ scenario: 'uas-busy-486', localPort: p1, calls: 1 });
    service.replace([gateway('first', p1, 10), gateway('second', p2, 20)]);
    const r = await dialThroughGateways(srf, service, '+4930123456', options);
    t.match(r, { kind: 'failed', status: 486, tried: [{ gatewayId: 'first' }] });
    t.equal(r.tried.length, 1);
    const res = await busy.done;
    t.ok(res.passed, describeResult(res));
  });

  t.test('no usable gateway: exhausted at once', async (t) => {
    service.replace([liveGateway({ id: 'in-only', sources: ['10.0.0.1'] })]);
    t.same(await dialThroughGateways(srf, service, '+4930123456', options), { kind: 'exhausted', tried: [] });
  });
}
