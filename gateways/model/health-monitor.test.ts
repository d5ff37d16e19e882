import t from 'tap';
import { FakeClock } from '../../sip-engine/util/clock.js';
import type { HealthPolicy, HealthState, ProbeOutcome } from './health-machine.js';
import { HealthMonitor } from './health-monitor.js';

const POLICY: HealthPolicy = { intervalMs: 10_000, timeoutMs: 2000, failuresToDown: 2, successesToUp: 2 };

/** A probe whose pings the test answers by hand. */
function harness() {
  const clock = new FakeClock();
  const pending: { id: string; at: number; answer(o: ProbeOutcome): void; fail(e: Error): void }[] = [];
  const changes: string[] = [];
  const monitor = new HealthMonitor({
    clock,
    probe: (id) =>
      new Promise<ProbeOutcome>((resolve, reject) => {
        pending.push({ id, at: clock.now(), answer: resolve, fail: reject });
      }),
    onChange: (id, from: HealthState, to: HealthState) => changes.push(`${clock.now()} ${id} ${from}→${to}`),
  });
  /** Answers the oldest open ping and lets its promise settle. */
  async function answer(o: ProbeOutcome | Error): Promise<number> {
    const p = pending.shift();
    if (!p) throw new Error('no ping in flight');
    if (o instanceof Error) p.fail(o);
    else p.answer(o);
    await new Promise((r) => setImmediate(r));
    return p.at;
  }
  return { clock, pending, changes, monitor, answer };
}

const OK: ProbeOutcome = { kind: 'response', status: 200 };
const BUSY: ProbeOutcome = { kind: 'response', status: 503 };

t.test('pings on the interval; a dead gateway leaves service and comes back', async (t) => {
  const h = harness();
  t.teardown(() => h.monitor.stop());
  h.monitor.watch('gw1', POLICY);
  t.equal(h.pending.length, 1, 'first ping at once');
  t.equal(await h.answer(OK), 0);
  h.clock.advance(9999);
  t.equal(h.pending.length, 0);
  h.clock.advance(1);
  t.equal(await h.answer(BUSY), 10_000, 'next ping one interval after the answer');
  t.equal(h.monitor.status('gw1')?.state, 'suspect');
  t.ok(h.monitor.isInService('gw1'), 'suspect is still in service');
  h.clock.advance(10_000);
  t.equal(h.pending.length, 1);
  h.clock.advance(2000); // no answer: the timeout counts as a failure
  t.equal(h.monitor.status('gw1')?.state, 'down');
  t.notOk(h.monitor.isInService('gw1'));
  await h.answer(OK); // the late answer of the timed-out ping is ignored
  t.equal(h.monitor.status('gw1')?.state, 'down');
  h.clock.advance(10_000);
  await h.answer(OK);
  t.equal(h.monitor.status('gw1')?.state, 'recovering');
  h.clock.advance(10_000);
  await h.answer(OK);
  t.ok(h.monitor.isInService('gw1'));
  t.same(h.changes, [
    '10000 gw1 up→suspect',
    '22000 gw1 suspect→down',
    '32000 gw1 down→recovering',
    '42000 gw1 recovering→up',
  ]);
});

t.test('a rejected or throwing probe is a failed ping', async (t) => {
  const clock = new FakeClock();
  let calls = 0;
  const monitor = new HealthMonitor({
    clock,
    probe: () => {
      calls += 1;
      if (calls === 1) throw new Error('no route');
      return Promise.reject(new Error('transport'));
    },
  });
  t.teardown(() => monitor.stop());
  monitor.watch('gw', { ...POLICY, failuresToDown: 2 });
  await new Promise((r) => setImmediate(r));
  t.equal(monitor.status('gw')?.state, 'suspect');
  clock.advance(10_000);
  await new Promise((r) => setImmediate(r));
  t.equal(monitor.status('gw')?.state, 'down');
  t.equal(calls, 2);
});

t.test(
  'unwatched gateways are in service; unwatch stops the timers; a throwing listener does not stop pings',
  async (t) => {
    const clock = new FakeClock();
    let pings = 0;
    const listenerErrors: unknown[] = [];
    const monitor = new HealthMonitor({
      clock,
      probe: () => {
        pings += 1;
        return Promise.resolve(BUSY);
      },
      onChange: () => {
        throw new Error('listener bug');
      },
      onListenerError: (err) => listenerErrors.push(err),
    });
    t.ok(monitor.isInService('never-watched'));
    monitor.watch('gw', POLICY);
    await new Promise((r) => setImmediate(r));
    t.equal(monitor.status('gw')?.state, 'suspect', 'state moved although the listener threw');
    t.match(listenerErrors, [{ message: 'listener bug' }]);
    clock.advance(10_000);
    await new Promise((r) => setImmediate(r));
    t.equal(pings, 2, 'still pinging');
    monitor.unwatch('gw');
    t.equal(clock.pending, 0, 'no timer left');
    clock.advance(60_000);
    t.equal(pings, 2);
    t.ok(monitor.isInService('gw'));
  },
);
