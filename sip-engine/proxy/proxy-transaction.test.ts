import t from 'tap';
import { flush, upstreamRequest } from './testing/fakes.js';
import { startProxy } from './testing/harness.js';

const D1 = 'sip:agent1@127.0.0.1:5081';
const D2 = 'sip:agent2@127.0.0.1:5082';

t.test('serial: the next target only after a failure; 486 then 200 → 200 upstream', async (t) => {
  const h = await startProxy([D1, D2]);
  t.equal(h.transactions.requests('INVITE').length, 1, 'only the first target is tried');
  h.transactions.answer(h.transactions.to(5081), 486);
  await flush();
  t.equal(h.transactions.requests('INVITE').length, 2, 'second target after the 486');
  const second = h.transactions.to(5082);
  h.transactions.answer(second, 180);
  h.transactions.answer(second, 200);
  t.same(h.txn.statuses, [180, 200], 'the 486 never goes upstream');
  t.same(h.responder.summary, ['continue:486', 'continue:200', 'done']);
  const relayed = h.txn.responses[1]!;
  t.same(relayed.getAll('via'), [upstreamRequest().get('via')], 'our Via removed (RFC 3261 §16.7 step 3)');
  t.equal(h.core.activeCount, 0, 'finished');
});

t.test('simultaneous: all targets at once; a 2xx cancels the others (proceeding → CANCEL)', async (t) => {
  const h = await startProxy([D1, D2], { cmd: { simultaneous: true } });
  t.equal(h.transactions.requests('INVITE').length, 2);
  const [a, b] = [h.transactions.to(5081), h.transactions.to(5082)];
  h.transactions.answer(b, 180);
  h.transactions.answer(a, 200);
  t.same(h.txn.statuses, [180, 200]);
  const cancels = h.transactions.requests('CANCEL');
  t.equal(cancels.length, 1, 'CANCEL to the ringing branch');
  t.equal(cancels[0]!.target.port, 5082);
  t.match(cancels[0]!.request.get('reason'), /cause=200/, 'RFC 3326 Reason');
  t.same(h.responder.summary, ['continue:200', 'done']);
  t.equal(h.core.activeCount, 1, 'waits for the cancelled branch');
  h.transactions.answer(b, 487);
  t.same(h.responder.summary, ['continue:200', 'done'], 'nothing after done');
  t.equal(h.core.activeCount, 0);
  t.same(h.txn.statuses, [180, 200], '487 of the cancelled branch not forwarded');
});

t.test('simultaneous: one busy, one answering → 200 upstream, not 486', async (t) => {
  const h = await startProxy([D1, D2], { cmd: { simultaneous: true } });
  h.transactions.answer(h.transactions.to(5081), 486);
  h.transactions.answer(h.transactions.to(5082), 200);
  t.same(h.txn.statuses, [200]);
  t.same(h.responder.summary, ['continue:486', 'continue:200', 'done']);
  t.equal(h.core.activeCount, 0);
});

t.test(
  'a branch with no response when another answers is CANCELled only when its 1xx arrives (RFC 3261 §9.1)',
  async (t) => {
    const h = await startProxy([D1, D2], { cmd: { simultaneous: true } });
    const b = h.transactions.to(5082);
    h.transactions.answer(h.transactions.to(5081), 200);
    t.equal(h.transactions.requests('CANCEL').length, 0);
    t.equal(h.core.activeCount, 0, 'the silent branch does not hold the proxy');
    h.transactions.answer(b, 180);
    t.equal(h.transactions.requests('CANCEL').length, 1, 'late 180 → CANCEL');
    t.same(h.txn.statuses, [200], 'late 180 not forwarded');
  },
);

t.test('all branches fail: the best response goes upstream (RFC 3261 §16.7 step 6)', async (t) => {
  const h = await startProxy([D1, D2], { cmd: { simultaneous: true } });
  h.transactions.answer(h.transactions.to(5081), 503);
  t.same(h.txn.statuses, []);
  h.transactions.answer(h.transactions.to(5082), 486);
  t.same(h.txn.statuses, [486]);
  t.same(h.responder.summary, ['continue:503', 'continue:486', 'done']);
});

t.test('only a 503 → 500 upstream; no response at all → 408', async (t) => {
  const a = await startProxy([D1]);
  a.transactions.answer(a.transactions.to(5081), 503);
  t.same(a.txn.statuses, [500]);
  t.equal(a.txn.lastResponse!.get('via'), upstreamRequest().get('via'));
  const b = await startProxy([D1, D2]);
  const r1 = b.transactions.to(5081);
  r1.handlers.onTimeout(r1.txn);
  await flush();
  const r2 = b.transactions.to(5082);
  r2.handlers.onTimeout(r2.txn);
  t.same(b.txn.statuses, [408]);
  t.match(b.txn.lastResponse!.get('to'), /;tag=/, 'locally generated final has a To-tag');
  t.same(b.responder.summary, ['done'], 'synthetic outcomes are not streamed');
});

t.test('a 6xx ends a serial search', async (t) => {
  const h = await startProxy([D1, D2]);
  h.transactions.answer(h.transactions.to(5081), 603);
  await flush();
  t.equal(h.transactions.requests('INVITE').length, 1, 'second target never tried');
  t.same(h.txn.statuses, [603]);
  t.same(h.responder.summary, ['continue:603', 'done']);
});

t.test(
  'a 401 with a challenge stops the search; the credentialed retry is pinned to that target',
  async (t) => {
    const h = await startProxy([D1, D2]);
    h.transactions.answer(h.transactions.to(5081), 401, {
      headers: [['WWW-Authenticate', 'Digest realm="pbx", nonce="n-123", algorithm=MD5']],
    });
    await flush();
    t.equal(h.transactions.requests('INVITE').length, 1);
    t.same(h.txn.statuses, [401]);
    // The retry arrives and the app proxies it to D2 again: it goes to D1, which challenged.
    const retry = upstreamRequest({
      extra: ['Authorization: Digest username="a", realm="pbx", nonce="n-123", response="x"'],
    });
    const { inboundOf, FakeServerTxn, RecordingResponder, UPSTREAM, proxyCommand } =
      await import('./testing/fakes.js');
    const inbound = inboundOf(retry, UPSTREAM);
    h.core.start(inbound, new FakeServerTxn(inbound), proxyCommand([D2]), new RecordingResponder());
    await flush();
    t.equal(h.transactions.requests('INVITE').length, 2);
    t.equal(h.transactions.requests('INVITE')[1]!.target.port, 5081, 'pinned to the challenger');
  },
);

t.test(
  'followRedirects: a 3xx Contact becomes the next target; the recursed 3xx is not a candidate',
  async (t) => {
    const h = await startProxy([D1, D2], { cmd: { followRedirects: true } });
    h.transactions.answer(h.transactions.to(5081), 302, {
      headers: [['Contact', '<sip:moved@127.0.0.1:5083>;q=0.5']],
    });
    await flush();
    const moved = h.transactions.to(5083);
    t.equal(
      moved.request.startLine.kind === 'request' && moved.request.startLine.uri,
      'sip:moved@127.0.0.1:5083',
    );
    t.equal(h.transactions.requests('INVITE').length, 2, 'D2 waits behind the redirect target');
    h.transactions.answer(moved, 480);
    await flush();
    h.transactions.answer(h.transactions.to(5082), 486);
    t.same(
      h.txn.statuses,
      [480],
      'first 4xx chosen; the 302 whose contacts were all tried is not a candidate',
    );
    t.same(h.responder.summary, ['continue:302', 'continue:480', 'continue:486', 'done']);
  },
);

t.test('provisional timeout: a silent first target is abandoned and the next one tried', async (t) => {
  const h = await startProxy([D1, D2], { cmd: { provisionalTimeoutMs: 2000 } });
  h.clock.advance(2000);
  await flush();
  const second = h.transactions.to(5082);
  h.transactions.answer(second, 200);
  t.same(h.txn.statuses, [200]);
  h.transactions.answer(h.transactions.to(5081), 180);
  t.equal(
    h.transactions.requests('CANCEL')[0]?.target.port,
    5081,
    'late 1xx on the abandoned branch → CANCEL',
  );
});

t.test('upstream CANCEL: 487 upstream, CANCEL to the branches, their 487s streamed, then done', async (t) => {
  const h = await startProxy([D1, D2], { cmd: { simultaneous: true } });
  const [a, b] = [h.transactions.to(5081), h.transactions.to(5082)];
  h.transactions.answer(a, 180);
  t.ok(h.core.handleCancel(h.txn));
  t.same(h.txn.statuses, [180, 487]);
  t.equal(h.transactions.requests('CANCEL').length, 1, 'only the proceeding branch gets a CANCEL now');
  t.same(h.responder.summary, []);
  h.transactions.answer(a, 487);
  t.same(h.responder.summary, ['continue:487', 'done']);
  t.equal(h.core.activeCount, 0);
  h.transactions.answer(b, 180);
  t.equal(h.transactions.requests('CANCEL').length, 2, 'the silent branch is cancelled once it rings');
  const { FakeServerTxn, inboundOf, UPSTREAM } = await import('./testing/fakes.js');
  t.notOk(h.core.handleCancel(new FakeServerTxn(inboundOf(upstreamRequest(), UPSTREAM))), 'not ours');
});

t.test('without fullResponse: done right after launch, no continue frames', async (t) => {
  const h = await startProxy([D1], { cmd: { fullResponse: false } });
  h.transactions.answer(h.transactions.to(5081), 486);
  t.same(h.responder.summary, ['done']);
  t.same(h.txn.statuses, [486]);
});

t.test('a 2xx racing an upstream CANCEL is still forwarded (statelessly) and ends the proxy', async (t) => {
  const h = await startProxy([D1]);
  const a = h.transactions.to(5081);
  h.transactions.answer(a, 180);
  h.core.handleCancel(h.txn);
  t.same(h.txn.statuses, [180, 487]);
  h.transactions.answer(a, 200);
  await flush();
  t.equal(
    h.transactions.stateless[0]?.message.status,
    200,
    'RFC 3261 §16.7 step 5: the 2xx goes upstream anyway',
  );
  t.same(h.responder.summary, ['continue:200', 'done']);
  t.equal(h.core.activeCount, 0);
});
