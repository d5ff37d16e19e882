import t from 'tap';
import { flushPromises } from '../../test-support/fake-transport.js';
import type { InboundMessage } from '../transport/types.js';
import { istTransition } from './server-invite.js';
import { inbound, makeWorld, request, response, source } from './test-fixtures.js';
import type { ServerTransaction } from './types.js';

const ILLEGAL = { name: 'IllegalTransitionError', code: 'illegal-transition', machine: 'ist' };

function serverWorld(protocol: 'udp' | 'tcp' = 'udp') {
  const w = makeWorld();
  const requests: { msg: InboundMessage; txn: ServerTransaction | undefined }[] = [];
  w.layer.on('request', (msg, txn) => requests.push({ msg, txn }));
  const transport = protocol === 'udp' ? 'UDP' : 'TCP';
  const invite = request({ transport, viaParams: ';rport=5071;received=192.0.2.11' });
  w.layer.receive(inbound(invite, source(protocol)));
  const txn = requests[0]?.txn;
  if (!txn) throw new Error('no server transaction');
  const ack = (branch = 'z9hG4bK-a1', toTag = 'to1') =>
    inbound(
      request({ method: 'ACK', branch, transport, toTag, viaParams: ';rport=5071;received=192.0.2.11' }),
      source(protocol),
    );
  const terminations: string[] = [];
  txn.onTerminated((reason) => terminations.push(`${reason}@${w.clock.now()}`));
  return {
    ...w,
    requests,
    invite,
    txn,
    ack,
    terminations,
    again: () => w.layer.receive(inbound(invite, source(protocol))),
  };
}

t.test('transition function: legal moves and rejected ones', (t) => {
  t.same(istTransition('proceeding', 'tu-failure'), { to: 'completed', actions: ['send', 'start-g-h'] });
  t.same(istTransition('proceeding', 'tu-success'), { to: 'accepted', actions: ['send', 'start-l'] });
  t.same(istTransition('completed', 'ack'), { to: 'confirmed', actions: ['stop-timers', 'start-i'] });
  t.same(istTransition('accepted', 'ack'), { to: 'accepted', actions: ['ack-to-tu'] });
  t.same(istTransition('accepted', 'retransmission'), { to: 'accepted', actions: [] });
  for (const [from, event] of [
    ['completed', 'tu-provisional'],
    ['completed', 'tu-success'],
    ['accepted', 'tu-failure'],
    ['accepted', 'tu-provisional'],
    ['confirmed', 'tu-failure'],
    ['proceeding', 'timer-g'],
    ['confirmed', 'timer-h'],
    ['terminated', 'ack'],
  ] as const) {
    t.throws(() => istTransition(from, event), ILLEGAL, `${event} in ${from}`);
  }
  t.end();
});

t.test('Proceeding: retransmissions re-send the latest provisional, never reach the TU', async (t) => {
  const w = serverWorld();
  t.equal(w.txn.state, 'proceeding');
  t.equal(w.txn.isInvite, true);
  w.again();
  t.equal(w.transport.sent.length, 0, 'nothing to re-send yet');
  await w.txn.respond(response(w.invite, 100));
  await w.txn.respond(response(w.invite, 180));
  w.again();
  w.again();
  t.same(
    w.transport.sent.map((r) => r.firstLine),
    ['SIP/2.0 100 Reason', 'SIP/2.0 180 Reason', 'SIP/2.0 180 Reason', 'SIP/2.0 180 Reason'],
  );
  t.equal(w.requests.length, 1, 'one request event only');
  t.same(
    w.transport.sent[0]?.target,
    { protocol: 'udp', address: '192.0.2.11', port: 5071 },
    'received + rport',
  );
  t.equal(w.txn.lastResponse?.status, 180);
});

t.test('UDP 300-699: timer G doubles up to T2 until timer H (64·T1) reports a timeout', async (t) => {
  const w = serverWorld();
  w.clock.advance(100);
  await w.txn.respond(response(w.invite, 486));
  t.equal(w.txn.state, 'completed');
  w.clock.advance(31999);
  t.same(
    w.transport.times('SIP/2.0 486'),
    [100, 600, 1600, 3600, 7600, 11600, 15600, 19600, 23600, 27600, 31600],
  );
  t.same(w.terminations, []);
  w.clock.advance(1);
  t.equal(w.txn.state, 'terminated');
  t.same(w.terminations, ['timeout@32100'], 'timer H: the ACK never came');
  t.same(w.layer.size, { client: 0, server: 0 });
  w.clock.advance(100000);
  t.equal(w.transport.sent.length, 11);
  t.equal(w.clock.pending, 0);
});

t.test('UDP: the ACK for a non-2xx is absorbed; Confirmed lasts T4 (timer I)', async (t) => {
  const w = serverWorld();
  await w.txn.respond(response(w.invite, 486));
  w.clock.advance(600);
  w.again();
  t.same(w.transport.times('SIP/2.0 486'), [0, 500, 600], 'INVITE retransmission re-sends the final');
  w.layer.receive(w.ack());
  t.equal(w.txn.state, 'confirmed');
  t.equal(w.requests.length, 1, 'the ACK does not reach the TU');
  w.layer.receive(w.ack());
  w.again();
  w.clock.advance(4999);
  t.same(w.transport.times('SIP/2.0 486'), [0, 500, 600], 'timer G stopped; Confirmed absorbs');
  t.equal(w.txn.state, 'confirmed');
  w.clock.advance(1);
  t.same(w.terminations, ['normal@5600']);
  t.equal(w.requests.length, 1);
});

t.test('TCP: no timer G; the ACK terminates at once (I = 0); no ACK → timer H', async (t) => {
  const w = serverWorld('tcp');
  await w.txn.respond(response(w.invite, 603));
  w.clock.advance(20000);
  t.same(w.transport.times('SIP/2.0 603'), [0]);
  t.equal(w.transport.sent[0]?.target.connectionId, 'conn-in-1', 'response on the same connection');
  w.layer.receive(w.ack());
  t.same(w.terminations, ['normal@20000']);
  t.equal(w.requests.length, 1);

  const w2 = serverWorld('tcp');
  await w2.txn.respond(response(w2.invite, 480));
  w2.clock.advance(32000);
  t.same(w2.terminations, ['timeout@32000']);
});

t.test('2xx: Accepted absorbs INVITEs, passes ACKs up, sends TU 2xx copies, ends on timer L', async (t) => {
  const w = serverWorld();
  const ok = response(w.invite, 200);
  await w.txn.respond(ok);
  t.equal(w.txn.state, 'accepted');
  w.clock.advance(500);
  w.again();
  t.equal(w.transport.sent.length, 1, 'INVITE retransmission absorbed: the TU retransmits 2xx');
  await w.txn.respond(ok);
  t.equal(w.transport.sent.length, 2, 'the TU 2xx retransmission is sent');
  w.layer.receive(w.ack('z9hG4bK-2xx-ack'));
  w.layer.receive(w.ack());
  t.same(
    w.requests.map((r) => [r.msg.message.method, r.txn?.key]),
    [
      ['INVITE', w.txn.key],
      ['ACK', undefined],
      ['ACK', undefined],
    ],
    'both ACKs reach the TU without a transaction',
  );
  await t.rejects(w.txn.respond(response(w.invite, 486)), ILLEGAL);
  w.clock.advance(31499);
  t.equal(w.txn.state, 'accepted');
  w.clock.advance(1);
  t.same(w.terminations, ['normal@32000'], 'timer L = 64·T1');
  w.again();
  t.equal(w.requests.length, 4, 'after Terminated a copy is a new request (RFC 6026 keeps it 64·T1)');
});

t.test('illegal responses are refused with typed errors and nothing is sent', async (t) => {
  const w = serverWorld();
  await w.txn.respond(response(w.invite, 404));
  await t.rejects(w.txn.respond(response(w.invite, 180)), ILLEGAL);
  await t.rejects(w.txn.respond(response(w.invite, 200)), ILLEGAL);
  await t.rejects(w.txn.respond(request()), { name: 'InvalidMessageError', code: 'invalid-message' });
  t.equal(w.txn.lastResponse?.status, 404);
  w.clock.advance(40000);
  t.equal(w.txn.state, 'terminated');
  await t.rejects(w.txn.respond(response(w.invite, 500)), ILLEGAL);
  t.equal(w.transport.matching('SIP/2.0 500').length, 0);
  const late: string[] = [];
  w.txn.onTerminated((r) => late.push(r));
  t.same(late, ['timeout'], 'a listener added after termination is called at once');
});

t.test('a transport error while sending the final response terminates it', async (t) => {
  const w = serverWorld('tcp');
  w.transport.failWhen = () => new Error('connection reset');
  await t.rejects(w.txn.respond(response(w.invite, 486)), { message: 'connection reset' });
  await flushPromises();
  t.equal(w.txn.state, 'terminated');
  t.same(w.terminations, ['transport-error@0']);
  t.equal(w.clock.pending, 0);
});
