import t from 'tap';
import type { InboundMessage } from '../transport/types.js';
import { TransactionLayer } from './transaction-layer.js';
import { FakeClock } from '../util/clock.js';
import { FakeTransport } from '../../test-support/fake-transport.js';
import {
  inbound,
  makeWorld,
  recorder,
  request,
  response,
  source,
  target,
  type RequestSpec,
} from './test-fixtures.js';
import type { ServerTransaction } from './types.js';

interface Seen {
  kind: 'request' | 'cancel';
  method: string;
  txn: ServerTransaction | undefined;
  invite?: ServerTransaction | undefined;
}

function watched() {
  const w = makeWorld();
  const seen: Seen[] = [];
  w.layer.on('request', (m: InboundMessage, txn) =>
    seen.push({ kind: 'request', method: m.message.method, txn }),
  );
  w.layer.on('cancel', (m, txn, invite) =>
    seen.push({ kind: 'cancel', method: m.message.method, txn, invite }),
  );
  const rx = (spec: RequestSpec) => w.layer.receive(inbound(request(spec)));
  return { ...w, seen, rx };
}

t.test('§17.2.3: branch + sent-by + method; a different sent-by or method is another transaction', (t) => {
  const w = watched();
  w.rx({});
  w.rx({});
  w.rx({ sentBy: '192.0.2.77:5070' });
  w.rx({ method: 'OPTIONS' });
  t.same(
    w.seen.map((s) => s.method),
    ['INVITE', 'INVITE', 'OPTIONS'],
  );
  t.not(w.seen[0]?.txn, w.seen[1]?.txn);
  t.same(w.layer.size, { client: 0, server: 3 });
  t.end();
});

t.test('§9.2: CANCEL gets its own NIST and the INVITE transaction it targets', async (t) => {
  const w = watched();
  w.rx({});
  const ist = w.seen[0]?.txn;
  const cancel = { method: 'CANCEL' } as const;
  w.rx(cancel);
  t.equal(w.seen.length, 2);
  const c = w.seen[1];
  t.equal(c?.kind, 'cancel');
  t.ok(c?.txn && !c.txn.isInvite, 'its own non-INVITE server transaction');
  t.equal(c?.invite, ist, 'matched to the INVITE transaction');
  t.not(c?.txn, ist);
  await c!.txn!.respond(response(request(cancel), 200));
  w.rx(cancel);
  t.equal(w.seen.length, 2, 'CANCEL retransmission absorbed');
  t.equal(w.transport.matching('SIP/2.0 200').length, 2, 'and answered again from Completed');
  w.rx({ method: 'CANCEL', branch: 'z9hG4bK-other' });
  t.equal(w.seen[2]?.kind, 'cancel');
  t.equal(w.seen[2]?.invite, undefined, 'no INVITE: the TU answers 481');
  t.equal(ist?.state, 'proceeding', 'the CANCEL does not touch the INVITE transaction');
});

t.test('RFC 2543 peers (no magic cookie) are matched on the request fields', async (t) => {
  const w = watched();
  const legacy: RequestSpec = { branch: null, cseq: 7 };
  w.rx(legacy);
  w.rx(legacy);
  t.equal(w.seen.length, 1, 'retransmission absorbed');
  w.rx({ ...legacy, callId: 'other' });
  w.rx({ ...legacy, cseq: 8 });
  w.rx({ ...legacy, fromTag: 'x' });
  w.rx({ ...legacy, uri: 'sip:carol@example.com' });
  w.rx({ ...legacy, sentBy: '192.0.2.10:5999' });
  w.rx({ ...legacy, toTag: 'dialog1' });
  t.equal(w.seen.length, 7, 'each differing field makes a new transaction');

  const ist = w.seen[0]!.txn!;
  await ist.respond(response(request(legacy), 486, { toTag: 'busy1' }));
  w.rx({ ...legacy, method: 'ACK', cseqMethod: 'ACK', toTag: 'busy1' });
  t.equal(ist.state, 'confirmed', 'ACK with the response To tag absorbed');
  t.equal(w.seen.length, 7);
  w.rx({ ...legacy, method: 'ACK', cseqMethod: 'ACK', toTag: 'other-tag' });
  t.same(
    w.seen[7] && [w.seen[7].method, w.seen[7].txn],
    ['ACK', undefined],
    'a different To tag: not this transaction',
  );

  w.rx({ ...legacy, branch: '1234', cseq: 9 });
  w.rx({ ...legacy, branch: '1234', cseq: 9, method: 'CANCEL' });
  const c = w.seen[9];
  t.equal(c?.kind, 'cancel');
  t.equal(c?.invite, w.seen[8]?.txn, 'RFC 2543 CANCEL finds its INVITE');
});

t.test('RFC 2543 re-INVITE: the ACK carries the dialog To tag', async (t) => {
  const w = watched();
  const reinvite: RequestSpec = { branch: null, toTag: 'dlg', cseq: 3 };
  w.rx(reinvite);
  const ist = w.seen[0]!.txn!;
  await ist.respond(response(request(reinvite), 488));
  w.rx({ ...reinvite, method: 'ACK', cseqMethod: 'ACK' });
  t.equal(ist.state, 'confirmed');
  t.equal(w.seen.length, 1);
});

t.test('an ACK matching no INVITE transaction goes to the TU without a transaction', (t) => {
  const w = watched();
  w.rx({ method: 'ACK', branch: 'z9hG4bK-2xxack', toTag: 't' });
  t.same(
    w.seen.map((s) => [s.kind, s.method, s.txn]),
    [['request', 'ACK', undefined]],
  );
  t.same(w.layer.size, { client: 0, server: 0 }, 'ACK creates no transaction');
  t.end();
});

t.test('a request without a usable Via is dropped', (t) => {
  const w = watched();
  const msg = request();
  msg.remove('via');
  w.layer.receive(inbound(msg));
  msg.append('Via', 'garbage');
  w.layer.receive(inbound(msg));
  t.same(w.seen, []);
  t.end();
});

t.test('§17.1.3: responses match on branch + CSeq method; others are stray', (t) => {
  const w = makeWorld();
  const rec = recorder(w.clock);
  const inv = request();
  const cancel = request({ method: 'CANCEL' });
  w.layer.sendRequest(inv, target(), rec.handlers);
  const recCancel = recorder(w.clock);
  w.layer.sendRequest(cancel, target(), recCancel.handlers);
  const stray: number[] = [];
  w.layer.on('strayResponse', (r) => stray.push(r.message.status));
  w.layer.receive(inbound(response(cancel, 200)));
  w.layer.receive(inbound(response(inv, 487)));
  w.layer.receive(inbound(response(request({ branch: 'z9hG4bK-unknown' }), 200)));
  t.same(recCancel.events, ['response 200@0']);
  t.same(rec.events, ['response 487@0']);
  t.same(stray, [200]);
  t.end();
});

t.test('sendRequest refuses what it cannot run', (t) => {
  const w = makeWorld();
  const h = recorder(w.clock).handlers;
  w.layer.sendRequest(request(), target(), h);
  t.throws(() => w.layer.sendRequest(request(), target(), h), { code: 'duplicate-transaction' });
  t.throws(() => w.layer.sendRequest(request({ method: 'ACK' }), target(), h), { code: 'invalid-message' });
  t.throws(() => w.layer.sendRequest(request({ branch: null }), target(), h), { code: 'invalid-message' });
  t.throws(() => w.layer.sendRequest(response(request(), 200), target(), h), { code: 'invalid-message' });
  const noCseq = request({ branch: 'z9hG4bK-x' });
  noCseq.remove('cseq');
  t.throws(() => w.layer.sendRequest(noCseq, target(), h), { code: 'invalid-message' });
  t.end();
});

t.test('timer configuration is checked', (t) => {
  const clock = new FakeClock();
  t.throws(
    () =>
      new TransactionLayer({
        transport: new FakeTransport(clock),
        clock,
        timers: { t1Ms: 0, t2Ms: 4000, t4Ms: 5000 },
      }),
    {
      code: 'invalid-config',
    },
  );
  t.end();
});

t.test('sendStateless sends outside any transaction', async (t) => {
  const w = makeWorld();
  const res = await w.layer.sendStateless(request({ method: 'ACK' }), target());
  t.equal(res.target.address, '192.0.2.20');
  t.same(
    w.transport.sent.map((r) => r.firstLine),
    ['ACK sip:bob@example.com SIP/2.0'],
  );
  t.same(w.layer.size, { client: 0, server: 0 });
  w.clock.advance(10000);
  t.equal(w.transport.sent.length, 1);
});

t.test('stop() ends every transaction silently and ignores later input', async (t) => {
  const w = watched();
  const rec = recorder(w.clock);
  w.layer.sendRequest(request({ branch: 'z9hG4bK-c1' }), target(), rec.handlers);
  w.rx({});
  const ist = w.seen[0]!.txn!;
  const ended: string[] = [];
  ist.onTerminated((r) => ended.push(r));
  w.layer.stop();
  t.same(w.layer.size, { client: 0, server: 0 });
  t.same(ended, ['normal']);
  t.equal(w.clock.pending, 0);
  w.rx({ branch: 'z9hG4bK-new' });
  t.equal(w.seen.length, 1);
  t.throws(() => w.layer.sendRequest(request({ branch: 'z9hG4bK-c2' }), target(), rec.handlers), {
    code: 'layer-stopped',
  });
  await t.rejects(w.layer.sendStateless(request(), target()), { code: 'layer-stopped' });
  w.clock.advance(100000);
  t.equal(w.transport.sent.length, 1);
  t.same(rec.events, []);
});

t.test('a listener that throws does not stop the others', (t) => {
  const w = makeWorld();
  const got: string[] = [];
  w.layer.on('request', () => {
    throw new Error('TU bug');
  });
  w.layer.on('request', (m) => got.push(m.message.method));
  w.layer.receive(inbound(request(), source()));
  t.same(got, ['INVITE']);
  t.end();
});
