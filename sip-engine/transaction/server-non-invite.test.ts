import t from 'tap';
import { flushPromises } from '../../test-support/fake-transport.js';
import { nistTransition } from './server-non-invite.js';
import { inbound, makeWorld, request, response, source } from './test-fixtures.js';
import type { ServerTransaction } from './types.js';

const ILLEGAL = { name: 'IllegalTransitionError', code: 'illegal-transition', machine: 'nist' };

function serverWorld(protocol: 'udp' | 'tcp' = 'udp') {
  const w = makeWorld();
  const txns: ServerTransaction[] = [];
  w.layer.on('request', (_msg, txn) => {
    if (txn) txns.push(txn);
  });
  const req = request({ method: 'REGISTER', branch: 'z9hG4bK-r1', transport: protocol.toUpperCase() });
  const again = () => w.layer.receive(inbound(req, source(protocol)));
  again();
  const txn = txns[0];
  if (!txn) throw new Error('no server transaction');
  const terminations: string[] = [];
  txn.onTerminated((reason) => terminations.push(`${reason}@${w.clock.now()}`));
  return { ...w, txns, req, txn, again, terminations };
}

t.test('transition function: legal moves and rejected ones', (t) => {
  t.same(nistTransition('trying', 'retransmission'), { to: 'trying', actions: [] });
  t.same(nistTransition('trying', 'tu-final'), { to: 'completed', actions: ['send', 'start-j'] });
  t.same(nistTransition('proceeding', 'retransmission'), { to: 'proceeding', actions: ['resend-last'] });
  t.same(nistTransition('completed', 'retransmission'), { to: 'completed', actions: ['resend-last'] });
  for (const [from, event] of [
    ['completed', 'tu-final'],
    ['completed', 'tu-provisional'],
    ['trying', 'timer-j'],
    ['terminated', 'retransmission'],
  ] as const) {
    t.throws(() => nistTransition(from, event), ILLEGAL, `${event} in ${from}`);
  }
  t.end();
});

t.test('Trying absorbs retransmissions; Proceeding re-sends the latest provisional', async (t) => {
  const w = serverWorld();
  t.equal(w.txn.state, 'trying');
  t.equal(w.txn.isInvite, false);
  w.again();
  t.equal(w.transport.sent.length, 0);
  await w.txn.respond(response(w.req, 100));
  t.equal(w.txn.state, 'proceeding');
  w.again();
  t.same(
    w.transport.sent.map((r) => r.firstLine),
    ['SIP/2.0 100 Reason', 'SIP/2.0 100 Reason'],
  );
  t.equal(w.txns.length, 1, 'retransmissions never reach the TU');
});

t.test('UDP: Completed re-sends the final for each retransmission; timer J = 64·T1', async (t) => {
  const w = serverWorld();
  w.clock.advance(50);
  await w.txn.respond(response(w.req, 200));
  t.equal(w.txn.state, 'completed');
  w.clock.advance(1000);
  w.again();
  t.same(w.transport.times('SIP/2.0 200'), [50, 1050]);
  await t.rejects(w.txn.respond(response(w.req, 500)), ILLEGAL);
  w.clock.advance(30999);
  t.equal(w.txn.state, 'completed');
  t.same(w.transport.times('SIP/2.0 200'), [50, 1050], 'no retransmission without a request copy');
  w.clock.advance(1);
  t.same(w.terminations, ['normal@32050']);
  t.same(w.layer.size, { client: 0, server: 0 });
  t.equal(w.clock.pending, 0);
});

t.test('TCP: a final response terminates at once (J = 0)', async (t) => {
  const w = serverWorld('tcp');
  await w.txn.respond(response(w.req, 401));
  t.equal(w.txn.state, 'terminated');
  t.same(w.terminations, ['normal@0']);
  t.equal(w.transport.sent[0]?.target.connectionId, 'conn-in-1');
});

t.test('a transport error while sending a response terminates it', async (t) => {
  const w = serverWorld();
  await w.txn.respond(response(w.req, 100));
  w.transport.failWhen = () => new Error('ICMP port unreachable');
  await t.rejects(w.txn.respond(response(w.req, 200)));
  await flushPromises();
  t.same(w.terminations, ['transport-error@0']);
  w.transport.failWhen = undefined;
  w.again();
  t.equal(w.txns.length, 2, 'a copy after termination is a new request');
});
