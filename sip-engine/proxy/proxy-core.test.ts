import t from 'tap';
import {
  FakeServerTxn,
  RecordingResponder,
  UPSTREAM,
  flush,
  inboundOf,
  parseSip,
  proxyCommand,
  upstreamRequest,
} from './testing/fakes.js';
import { makeCore, startProxy } from './testing/harness.js';

const D1 = 'sip:agent1@127.0.0.1:5081';

t.test('the branch request: RFC 3261 §16.6 steps 1-8 and the app headers (spec §2.7)', async (t) => {
  const request = upstreamRequest({
    maxForwards: '10',
    extra: ['Route: <sip:127.0.0.1:5060;lr>', 'X-Old: keep'],
  });
  const h = await startProxy([D1], {
    request,
    cmd: { remainInDialog: true },
    headers: [
      'X-Queue: sales',
      'via: SIP/2.0/UDP 6.6.6.6',
      'x-agent-id: a17',
      'Route: <sip:evil>',
      'Contact: <sip:q@localhost>',
    ],
  });
  const sent = h.transactions.to(5081).request;
  t.equal(sent.startLine.kind === 'request' && sent.startLine.uri, D1, 'Request-URI is the destination');
  t.equal(sent.get('max-forwards'), '9', 'Max-Forwards decremented');
  t.equal(sent.get('route'), undefined, 'preloaded Route to us removed');
  t.equal(sent.get('record-route'), '<sip:127.0.0.1:5060;lr>');
  const vias = sent.getAll('via');
  t.equal(vias.length, 2, 'app Via ignored');
  t.match(vias[0], /^SIP\/2\.0\/UDP 127\.0\.0\.1:5060;branch=z9hG4bK\w+;rport$/);
  t.equal(sent.get('x-queue'), 'sales');
  t.equal(
    sent.headers.find((x) => x.name.toLowerCase() === 'x-agent-id')?.name,
    'X-Agent-Id',
    'unknown names capitalised',
  );
  t.equal(sent.get('contact'), '<sip:q@127.0.0.1:5060>', '@localhost rewritten');
  t.equal(sent.get('x-old'), 'keep');
  t.equal(sent.get('from'), request.get('from'));
});

t.test(
  'Max-Forwards missing → 70 added; tel: Request-URI kept; REGISTER gets Path + Require: path',
  async (t) => {
    const noMf = upstreamRequest();
    noMf.remove('max-forwards');
    const a = await startProxy([D1], { request: noMf });
    t.equal(a.transactions.to(5081).request.get('max-forwards'), '70');
    const b = await startProxy([D1], { request: upstreamRequest({ uri: 'tel:+15551234' }) });
    const sentB = b.transactions.to(5081).request;
    t.equal(sentB.startLine.kind === 'request' && sentB.startLine.uri, 'tel:+15551234');
    const c = await startProxy(['sip:registrar@127.0.0.1:5081;transport=tcp'], {
      request: upstreamRequest({ method: 'REGISTER' }),
      cmd: { remainInDialog: true },
      headers: ['Require: gruu'],
    });
    const rec = c.transactions.to(5081, 'REGISTER');
    t.equal(rec.target.protocol, 'tcp');
    t.equal(rec.request.get('record-route'), undefined);
    t.same(
      rec.request.getAll('path'),
      ['<sip:127.0.0.1:5060;transport=tcp;lr>', '<sip:127.0.0.1:5060;lr>'],
      'RFC 5658 double entry across transports',
    );
    t.equal(rec.request.get('require'), 'gruu, path', "the path option tag joins the app's Require");
    t.match(rec.request.get('via'), /^SIP\/2\.0\/TCP /);
  },
);

t.test('Max-Forwards 0 → NOK and 483 (RFC 3261 §16.3 step 3)', async (t) => {
  const h = await startProxy([D1], { request: upstreamRequest({ maxForwards: '0' }) });
  t.same(h.responder.summary, ['NOK:Rejected with 483 Too Many Hops due to Max-Forwards value of 0']);
  t.same(h.txn.statuses, [483]);
  t.equal(h.transactions.clients.length, 0);
});

t.test('a transaction already answered or already proxied → NOK Unknown transaction id', async (t) => {
  const h = await startProxy([D1]);
  const again = new RecordingResponder();
  h.core.start(h.txn.request, h.txn, proxyCommand([D1]), again);
  t.same(again.summary, ['NOK:Unknown transaction id: txn-1']);
  const { core } = makeCore();
  const inbound = inboundOf(upstreamRequest(), UPSTREAM);
  const answered = new FakeServerTxn(inbound);
  answered.state = 'completed';
  const r = new RecordingResponder();
  core.start(inbound, answered, proxyCommand([D1]), r);
  t.same(r.summary, ['NOK:Unknown transaction id: txn-1']);
  const bad = new RecordingResponder();
  const fresh = new FakeServerTxn(inbound);
  core.start(inbound, fresh, proxyCommand(['not a uri']), bad);
  t.match(bad.summary[0], /^NOK:error proxying request to/);
  t.same(fresh.statuses, [500]);
});

t.test(
  'reliable 1xx: RSeq rewritten upstream; the PRACK (record-routed) is mapped back and forwarded',
  async (t) => {
    const h = await startProxy([D1], { cmd: { remainInDialog: true } });
    const rec = h.transactions.to(5081);
    h.transactions.answer(rec, 183, {
      toTag: 'uas1',
      headers: [
        ['RSeq', '42'],
        ['Require', '100rel'],
        ['Contact', '<sip:agent1@127.0.0.1:5081>'],
      ],
    });
    const up = h.txn.responses[0]!;
    t.equal(up.get('rseq'), '536608768', 'RSeq from the proxy sequence (random start 0.25)');
    const prack = parseSip([
      'PRACK sip:agent1@127.0.0.1:5081 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-prack',
      'Route: <sip:127.0.0.1:5060;lr>',
      'Max-Forwards: 70',
      'From: "Alice" <sip:alice@127.0.0.1:5070>;tag=a1',
      'To: <sip:4000@127.0.0.1:5060>;tag=uas1',
      'Call-ID: call-1@127.0.0.1',
      'CSeq: 2 PRACK',
      'RAck: 536608768 1 INVITE',
    ]);
    t.ok(h.core.tryStatelessForward(inboundOf(prack, UPSTREAM)));
    await flush();
    const fwd = h.transactions.stateless[0]!;
    t.equal(fwd.message.get('rack'), '42 1 INVITE', 'RAck mapped back to the UAS RSeq');
    t.equal(fwd.target.port, 5081);
    t.equal(fwd.message.get('route'), undefined, 'our Route popped');
    t.equal(fwd.message.getAll('via').length, 2);
  },
);

t.test('stateless forwarding of a record-routed in-dialog request (spec §3.2 step 4)', async (t) => {
  const { core, transactions } = makeCore();
  const bye = (extra: string[], to = 'To: <sip:4000@127.0.0.1:5060>;tag=b1') =>
    parseSip([
      'BYE sip:agent1@127.0.0.1:5081 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-bye',
      'Max-Forwards: 5',
      'From: <sip:alice@127.0.0.1:5070>;tag=a1',
      to,
      'Call-ID: call-2@127.0.0.1',
      'CSeq: 3 BYE',
      ...extra,
    ]);
  t.notOk(core.tryStatelessForward(inboundOf(bye([]), UPSTREAM)), 'no Route');
  t.notOk(core.tryStatelessForward(inboundOf(bye(['Route: <sip:10.0.0.9;lr>']), UPSTREAM)), 'Route not ours');
  t.notOk(
    core.tryStatelessForward(inboundOf(bye(['Route: <sip:127.0.0.1:5060;lr>'], 'To: <sip:x@y>'), UPSTREAM)),
    'no To-tag',
  );
  const msg = bye(['Route: <sip:127.0.0.1:5060;lr>', 'Route: <sip:127.0.0.1:5090;lr>']);
  t.ok(core.tryStatelessForward(inboundOf(msg, UPSTREAM)));
  await flush();
  const fwd = transactions.stateless[0]!;
  t.equal(fwd.target.port, 5090, 'next hop is the next Route');
  t.same(fwd.message.getAll('route'), ['<sip:127.0.0.1:5090;lr>']);
  t.equal(fwd.message.get('max-forwards'), '4');
  t.match(fwd.message.get('via'), /branch=z9hG4bKsl/);
  // A retransmission gets the same branch (RFC 3261 §16.11).
  core.tryStatelessForward(inboundOf(msg, UPSTREAM));
  await flush();
  t.equal(transactions.stateless[1]!.message.get('via'), fwd.message.get('via'));
  const dead = bye(['Route: <sip:127.0.0.1:5060;lr>']);
  dead.set('Max-Forwards', '0');
  t.ok(core.tryStatelessForward(inboundOf(dead, UPSTREAM)));
  await flush();
  t.equal(transactions.stateless[2]!.message.status, 483, 'Max-Forwards 0 → stateless 483');
});

t.test(
  'stray responses with our Via on top and another below are forwarded (spec §3.2 step 10)',
  async (t) => {
    const { core, transactions } = makeCore();
    const res = (vias: string[]) =>
      parseSip([
        'SIP/2.0 200 OK',
        ...vias.map((v) => `Via: ${v}`),
        'From: <sip:alice@127.0.0.1:5070>;tag=a1',
        'To: <sip:4000@127.0.0.1:5060>;tag=b1',
        'Call-ID: call-3@127.0.0.1',
        'CSeq: 1 INVITE',
      ]);
    const src = { protocol: 'udp' as const, address: '127.0.0.1', port: 5081 };
    t.notOk(
      core.handleStrayResponse(inboundOf(res(['SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1']), src)),
      'one Via',
    );
    t.notOk(
      core.handleStrayResponse(
        inboundOf(
          res(['SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bK1', 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK2']),
          src,
        ),
      ),
      'top Via not ours',
    );
    const ok = res([
      'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1',
      'SIP/2.0/UDP host.invalid:5070;branch=z9hG4bK2;received=127.0.0.1;rport=5071',
    ]);
    t.ok(core.handleStrayResponse(inboundOf(ok, src)));
    await flush();
    const fwd = transactions.stateless[0]!;
    t.same(
      fwd.target,
      { protocol: 'udp', address: '127.0.0.1', port: 5071 },
      'received + rport (RFC 3581 §4)',
    );
    t.equal(fwd.message.getAll('via').length, 1);
  },
);

t.test('with its server transaction, a routed in-dialog request is relayed statefully', async (t) => {
  const { core, transactions } = makeCore();
  const bye = parseSip([
    'BYE sip:agent1@127.0.0.1:5081 SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-bye2',
    'Route: <sip:127.0.0.1:5060;lr>',
    'Max-Forwards: 70',
    'From: <sip:alice@127.0.0.1:5070>;tag=a1',
    'To: <sip:4000@127.0.0.1:5060>;tag=b1',
    'Call-ID: call-4@127.0.0.1',
    'CSeq: 3 BYE',
  ]);
  const inbound = inboundOf(bye, UPSTREAM);
  const txn = new FakeServerTxn(inbound);
  txn.state = 'trying';
  t.ok(core.tryStatelessForward(inbound, txn));
  await flush();
  t.equal(transactions.stateless.length, 0, 'not stateless');
  const rec = transactions.to(5081, 'BYE');
  t.equal(rec.request.get('route'), undefined);
  t.equal(rec.request.getAll('via').length, 2);
  transactions.answer(rec, 200);
  t.same(txn.statuses, [200]);
  t.same(txn.responses[0]!.getAll('via'), [bye.get('via')], 'our Via popped');
  const timedOut = new FakeServerTxn(inbound);
  timedOut.state = 'trying';
  const again = bye.clone();
  again.set('Via', 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-bye3');
  core.tryStatelessForward(inboundOf(again, UPSTREAM), timedOut);
  await flush();
  const rec2 = transactions.requests('BYE')[1]!;
  rec2.handlers.onTimeout(rec2.txn);
  t.same(timedOut.statuses, [408], 'no answer → 408');
});
