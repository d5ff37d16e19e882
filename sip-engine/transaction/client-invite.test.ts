import t from 'tap';
import { flushPromises, headerValues } from '../../test-support/fake-transport.js';
import { ictTransition } from './client-invite.js';
import { IllegalTransitionError } from './errors.js';
import { inbound, makeWorld, recorder, request, response, source, target } from './test-fixtures.js';

const ILLEGAL = { name: 'IllegalTransitionError', code: 'illegal-transition', machine: 'ict' };

t.test('transition function: legal moves and rejected ones', (t) => {
  t.same(ictTransition('calling', 'provisional'), { to: 'proceeding', actions: ['stop-timers', 'pass-up'] });
  t.same(ictTransition('calling', 'timer-a'), { to: 'calling', actions: ['retransmit', 'rearm-a'] });
  t.equal(ictTransition('proceeding', 'success').to, 'accepted');
  t.equal(ictTransition('accepted', 'success').to, 'accepted');
  t.same(ictTransition('completed', 'failure'), { to: 'completed', actions: ['send-ack'] });
  t.equal(ictTransition('accepted', 'timer-m').to, 'terminated');
  t.ok(new IllegalTransitionError('ict', 'a', 'b') instanceof Error);
  for (const [from, event] of [
    ['proceeding', 'timer-a'],
    ['proceeding', 'timer-b'],
    ['calling', 'timer-d'],
    ['completed', 'timer-m'],
    ['accepted', 'timer-d'],
    ['terminated', 'success'],
    ['terminated', 'abort'],
  ] as const) {
    t.throws(() => ictTransition(from, event), ILLEGAL, `${event} in ${from}`);
  }
  t.end();
});

t.test('UDP: timer A doubles from T1 with no cap; timer B times out at 64·T1', async (t) => {
  const { clock, transport, layer } = makeWorld();
  const rec = recorder(clock);
  const txn = layer.sendRequest(request(), target(), rec.handlers);
  await txn.sent;
  t.equal(txn.state, 'calling');
  t.same(layer.size, { client: 1, server: 0 });
  clock.advance(31999);
  t.same(transport.times('INVITE'), [0, 500, 1500, 3500, 7500, 15500, 31500]);
  t.same(rec.events, []);
  clock.advance(1);
  t.same(rec.events, ['timeout@32000']);
  t.equal(txn.state, 'terminated');
  t.same(layer.size, { client: 0, server: 0 });
  clock.advance(100000);
  t.equal(transport.sent.length, 7, 'nothing sent after termination');
  t.equal(clock.pending, 0, 'no timer left');
});

t.test('TCP: no retransmission; timer B still times out at 64·T1', async (t) => {
  const { clock, transport, layer } = makeWorld();
  const rec = recorder(clock);
  const txn = layer.sendRequest(request({ transport: 'TCP' }), target('tcp'), rec.handlers);
  await txn.sent;
  clock.advance(32000);
  t.same(transport.times('INVITE'), [0]);
  t.same(rec.events, ['timeout@32000']);
  t.equal(txn.state, 'terminated');
});

t.test('a provisional stops retransmissions; Proceeding waits for the final response', (t) => {
  const { clock, transport, layer } = makeWorld();
  const rec = recorder(clock);
  const req = request();
  const txn = layer.sendRequest(req, target(), rec.handlers);
  clock.advance(600);
  layer.receive(inbound(response(req, 180), source('udp', { address: '192.0.2.20', port: 5060 })));
  t.equal(txn.state, 'proceeding');
  t.same(rec.events, ['response 180@600']);
  clock.advance(100000);
  t.same(transport.times('INVITE'), [0, 500], 'no retransmission in Proceeding, no timer B');
  t.equal(txn.state, 'proceeding');
  layer.receive(inbound(response(req, 183)));
  layer.receive(inbound(response(req, 200)));
  t.equal(txn.state, 'accepted');
  t.same(rec.events, ['response 180@600', 'response 183@100600', 'response 200@100600']);
  t.end();
});

t.test('300-699: ACK per §17.1.1.3, retransmitted final re-ACKed not passed up, timer D', (t) => {
  const { clock, transport, layer } = makeWorld();
  const rec = recorder(clock);
  const req = request({
    routes: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'],
    lowerVias: ['SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK-lower'],
  });
  const layerTxn = layer.sendRequest(req, target(), rec.handlers);
  clock.advance(100);
  const busy = response(req, 486, { toTag: 'callee9' });
  layer.receive(inbound(busy));
  t.equal(layerTxn.state, 'completed');
  t.same(rec.events, ['response 486@100']);
  const [ack] = transport.matching('ACK');
  t.ok(ack, 'ACK sent by the transaction');
  t.equal(ack!.firstLine, 'ACK sip:bob@example.com SIP/2.0');
  t.same(
    headerValues(ack!.text, 'via'),
    ['SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bK-a1'],
    'only the top Via',
  );
  t.same(headerValues(ack!.text, 'route'), ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
  t.same(headerValues(ack!.text, 'to'), ['<sip:bob@example.com>;tag=callee9']);
  t.same(headerValues(ack!.text, 'from'), [req.get('from')]);
  t.same(headerValues(ack!.text, 'call-id'), ['call-1@example.com']);
  t.same(headerValues(ack!.text, 'cseq'), ['1 ACK']);
  t.same(headerValues(ack!.text, 'max-forwards'), ['70']);
  t.same(ack!.target, target());

  clock.advance(1000);
  layer.receive(inbound(busy));
  t.equal(transport.matching('ACK').length, 2, 'ACK re-sent for the retransmitted 486');
  t.equal(rec.events.length, 1, 'retransmission not passed up');
  t.same(transport.times('INVITE'), [0], 'no INVITE retransmission after the final response');

  clock.advance(32100 - 1100 - 1);
  t.equal(layerTxn.state, 'completed');
  clock.advance(1);
  t.equal(layerTxn.state, 'terminated', 'timer D = 32 s on UDP');
  t.same(layer.size, { client: 0, server: 0 });
  const stray: number[] = [];
  layer.on('strayResponse', (r) => stray.push(r.message.status));
  layer.receive(inbound(busy));
  t.same(stray, [486], 'a late copy is a stray response');
  t.equal(transport.matching('ACK').length, 2);
  t.end();
});

t.test('TCP: ACK goes over the connection of the INVITE and timer D is zero', async (t) => {
  const { clock, transport, layer } = makeWorld();
  const rec = recorder(clock);
  const req = request({ transport: 'TCP' });
  const txn = layer.sendRequest(req, target('tcp'), rec.handlers);
  const sent = await txn.sent;
  layer.receive(inbound(response(req, 603), source('tcp')));
  t.equal(txn.state, 'terminated');
  t.same(rec.events, ['response 603@0']);
  const [ack] = transport.matching('ACK');
  t.equal(ack?.target.connectionId, sent.target.connectionId);
  t.ok(ack?.target.connectionId, 'connection id reused');
  t.equal(clock.pending, 0);
});

t.test('2xx: Accepted (RFC 6026) passes every 2xx up for timer M, then forgets', (t) => {
  const { clock, transport, layer } = makeWorld();
  const rec = recorder(clock);
  const req = request();
  const txn = layer.sendRequest(req, target(), rec.handlers);
  clock.advance(10);
  const ok = response(req, 200, { toTag: 'b1' });
  layer.receive(inbound(ok));
  t.equal(txn.state, 'accepted');
  clock.advance(500);
  layer.receive(inbound(ok));
  layer.receive(inbound(response(req, 200, { toTag: 'fork2' })));
  layer.receive(inbound(response(req, 180)));
  layer.receive(inbound(response(req, 486)));
  t.same(rec.events, ['response 200@10', 'response 200@510', 'response 200@510'], '1xx and non-2xx absorbed');
  t.same(
    rec.responses.map((r) => headerValues(r.message.toString(), 'to')[0]),
    ['<sip:bob@example.com>;tag=b1', '<sip:bob@example.com>;tag=b1', '<sip:bob@example.com>;tag=fork2'],
  );
  t.equal(transport.matching('ACK').length, 0, 'the 2xx ACK is the dialog layer job');
  t.same(transport.times('INVITE'), [0]);
  clock.advance(32010 - 510 - 1);
  t.equal(txn.state, 'accepted');
  clock.advance(1);
  t.equal(txn.state, 'terminated', 'timer M = 64·T1');
  const stray: number[] = [];
  layer.on('strayResponse', (r) => stray.push(r.message.status));
  layer.receive(inbound(ok));
  t.same(stray, [200]);
  t.end();
});

t.test('a transport error on the first send: TU told, transaction gone', async (t) => {
  const { clock, transport, layer } = makeWorld();
  const rec = recorder(clock);
  transport.failWhen = () => new Error('connect refused');
  const txn = layer.sendRequest(request({ transport: 'TCP' }), target('tcp'), rec.handlers);
  await t.rejects(txn.sent, { message: 'connect refused' });
  await flushPromises();
  t.same(rec.events, ['transport-error connect refused@0']);
  t.equal(txn.state, 'terminated');
  t.same(layer.size, { client: 0, server: 0 });
  t.equal(clock.pending, 0);
});

t.test('a transport error on a retransmission terminates the transaction', async (t) => {
  const { clock, transport, layer } = makeWorld();
  const rec = recorder(clock);
  const txn = layer.sendRequest(request(), target(), rec.handlers);
  await txn.sent;
  transport.failWhen = () => new Error('ICMP unreachable');
  clock.advance(500);
  await flushPromises();
  t.same(rec.events, ['transport-error ICMP unreachable@500']);
  t.equal(txn.state, 'terminated');
  clock.advance(100000);
  t.equal(transport.sent.length, 2);
});

t.test('a TU callback that throws does not break the transaction', (t) => {
  const { clock, transport, layer } = makeWorld();
  const req = request();
  const txn = layer.sendRequest(req, target(), {
    onResponse: () => {
      throw new Error('TU bug');
    },
    onTimeout: () => undefined,
    onTransportError: () => undefined,
  });
  layer.receive(inbound(response(req, 486)));
  t.equal(txn.state, 'completed');
  t.equal(transport.matching('ACK').length, 1);
  clock.advance(32000);
  t.equal(txn.state, 'terminated');
  t.end();
});
