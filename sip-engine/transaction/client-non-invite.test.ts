import t from 'tap';
import { flushPromises } from '../../test-support/fake-transport.js';
import { nictTransition } from './client-non-invite.js';
import { inbound, makeWorld, recorder, request, response, target } from './test-fixtures.js';

const ILLEGAL = { name: 'IllegalTransitionError', code: 'illegal-transition', machine: 'nict' };
const options = (transport = 'UDP') => request({ method: 'OPTIONS', branch: 'z9hG4bK-n1', transport });

t.test('transition function: legal moves and rejected ones', (t) => {
  t.same(nictTransition('trying', 'provisional'), { to: 'proceeding', actions: ['pass-up'] });
  t.same(nictTransition('trying', 'timer-e'), { to: 'trying', actions: ['retransmit', 'backoff-e'] });
  t.same(nictTransition('proceeding', 'timer-e'), {
    to: 'proceeding',
    actions: ['retransmit', 'rearm-e-t2'],
  });
  t.equal(nictTransition('proceeding', 'timer-f').to, 'terminated');
  t.same(nictTransition('completed', 'final'), { to: 'completed', actions: [] });
  for (const [from, event] of [
    ['trying', 'timer-k'],
    ['completed', 'timer-e'],
    ['completed', 'timer-f'],
    ['terminated', 'final'],
    ['terminated', 'timer-k'],
  ] as const) {
    t.throws(() => nictTransition(from, event), ILLEGAL, `${event} in ${from}`);
  }
  t.end();
});

t.test('UDP: timer E doubles up to T2; timer F times out at 64·T1', async (t) => {
  const { clock, transport, layer } = makeWorld();
  const rec = recorder(clock);
  const txn = layer.sendRequest(options(), target(), rec.handlers);
  await txn.sent;
  clock.advance(31999);
  t.same(
    transport.times('OPTIONS'),
    [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500],
    'intervals 500, 1000, 2000, then 4000 (T2)',
  );
  clock.advance(1);
  t.same(rec.events, ['timeout@32000']);
  t.equal(txn.state, 'terminated');
  clock.advance(60000);
  t.equal(transport.sent.length, 11, 'nothing sent after termination');
  t.equal(clock.pending, 0);
});

t.test('UDP: after a provisional, timer E keeps running and is re-armed with T2', (t) => {
  const { clock, transport, layer } = makeWorld();
  const rec = recorder(clock);
  const req = options();
  const txn = layer.sendRequest(req, target(), rec.handlers);
  clock.advance(600);
  layer.receive(inbound(response(req, 100)));
  t.equal(txn.state, 'proceeding');
  clock.advance(31399);
  t.same(transport.times('OPTIONS'), [0, 500, 1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500]);
  t.same(rec.events, ['response 100@600']);
  clock.advance(1);
  t.same(rec.events, ['response 100@600', 'timeout@32000'], 'timer F still applies in Proceeding');
  t.end();
});

t.test('final response: Completed absorbs retransmissions; timer K = T4 on UDP', (t) => {
  const { clock, transport, layer } = makeWorld();
  const rec = recorder(clock);
  const req = options();
  const txn = layer.sendRequest(req, target(), rec.handlers);
  clock.advance(700);
  const ok = response(req, 200);
  layer.receive(inbound(ok));
  t.equal(txn.state, 'completed');
  layer.receive(inbound(ok));
  layer.receive(inbound(response(req, 180)));
  t.same(rec.events, ['response 200@700'], 'retransmissions absorbed');
  clock.advance(4999);
  t.equal(txn.state, 'completed');
  t.same(transport.times('OPTIONS'), [0, 500], 'no retransmission in Completed');
  clock.advance(1);
  t.equal(txn.state, 'terminated');
  t.same(layer.size, { client: 0, server: 0 });
  t.end();
});

t.test('TCP: no timer E; a final response terminates at once (K = 0)', async (t) => {
  const { clock, transport, layer } = makeWorld();
  const rec = recorder(clock);
  const req = options('TCP');
  const txn = layer.sendRequest(req, target('tcp'), rec.handlers);
  await txn.sent;
  clock.advance(20000);
  t.same(transport.times('OPTIONS'), [0]);
  layer.receive(inbound(response(req, 404)));
  t.equal(txn.state, 'terminated');
  t.same(rec.events, ['response 404@20000']);
  t.equal(clock.pending, 0);
});

t.test('TCP: timer F times out at 64·T1 too', (t) => {
  const { clock, layer } = makeWorld();
  const rec = recorder(clock);
  layer.sendRequest(options('TCP'), target('tcp'), rec.handlers);
  clock.advance(32000);
  t.same(rec.events, ['timeout@32000']);
  t.end();
});

t.test('timers follow the configured T1/T2/T4', (t) => {
  const { clock, transport, layer } = makeWorld({ t1Ms: 100, t2Ms: 300, t4Ms: 700 });
  const rec = recorder(clock);
  const req = options();
  const txn = layer.sendRequest(req, target(), rec.handlers);
  clock.advance(1000);
  t.same(transport.times('OPTIONS'), [0, 100, 300, 600, 900]);
  layer.receive(inbound(response(req, 200)));
  clock.advance(699);
  t.equal(txn.state, 'completed');
  clock.advance(1);
  t.equal(txn.state, 'terminated');
  t.end();
});

t.test('transport error: TU told (it synthesises 503), nothing more sent', async (t) => {
  const { clock, transport, layer } = makeWorld();
  const rec = recorder(clock);
  transport.failWhen = () => new Error('no route');
  const txn = layer.sendRequest(options(), target(), rec.handlers);
  await t.rejects(txn.sent);
  await flushPromises();
  t.same(rec.events, ['transport-error no route@0']);
  t.equal(txn.state, 'terminated');
  clock.advance(40000);
  t.equal(transport.sent.length, 1);
});
