import t from 'tap';
import { parseUri } from '../message/uri.js';
import type { InboundMessage } from '../transport/types.js';
import { FakeClock } from '../util/clock.js';
import { BRANCH_TRANSITIONS, ProxyBranch, type BranchOutcome, type BranchState } from './branch.js';
import { IllegalTransitionError } from './errors.js';
import { StateMachine } from './fsm.js';
import { buildBranchRequest } from './request-builder.js';
import {
  FakeTransactions,
  FakeTransportLayer,
  flush,
  upstreamRequest,
  type ClientRecord,
} from './testing/fakes.js';

const T1 = 500;
const TIMER_C = 185_000;

function setup(opts: { provisionalTimeoutMs?: number } = {}) {
  const clock = new FakeClock();
  const transactions = new FakeTransactions();
  const transport = new FakeTransportLayer();
  const events: string[] = [];
  const finals: BranchOutcome[] = [];
  const branch = new ProxyBranch(
    0,
    'sip:bob@127.0.0.1:5081',
    parseUri('sip:bob@127.0.0.1:5081'),
    {
      transport,
      transactions,
      clock,
      resolve: (h) => Promise.resolve(h),
      isInvite: true,
      t1Ms: T1,
      timerCMs: TIMER_C,
      provisionalTimeoutMs: opts.provisionalTimeoutMs,
      logger: undefined,
    },
    {
      provisional: (_b, r: InboundMessage) => events.push(`provisional:${r.message.status}`),
      answered: (_b, r: InboundMessage) => events.push(`answered:${r.message.status}`),
      final: (_b, o) => {
        events.push(`final:${o.status}${o.response ? '' : '(synthetic)'}`);
        finals.push(o);
      },
      gaveUp: () => events.push('gaveUp'),
    },
  );
  const original = upstreamRequest();
  const start = async (): Promise<ClientRecord> => {
    branch.start((hop, id) =>
      buildBranchRequest({
        original,
        requestUri: branch.destination,
        appHeaders: [],
        recordRoute: false,
        inbound: hop.local,
        outbound: hop.local,
        branch: id,
        isLocal: () => false,
      }),
    );
    await flush();
    return transactions.to(5081);
  };
  return { clock, transactions, branch, events, finals, start };
}

t.test('the transition table rejects illegal moves', (t) => {
  const fsm = new StateMachine<BranchState>('branch', BRANCH_TRANSITIONS, 'completed');
  t.throws(() => fsm.transition('calling'), IllegalTransitionError);
  const fresh = new StateMachine<BranchState>('branch', BRANCH_TRANSITIONS, 'pending');
  t.throws(() => fresh.transition('proceeding'), { code: 'illegal-transition' });
  fresh.transition('calling');
  t.equal(fresh.state, 'calling');
  t.end();
});

t.test('100 is absorbed, 180 is relayed, a final ends the branch', async (t) => {
  const s = setup();
  const rec = await s.start();
  t.equal(s.branch.state, 'calling');
  s.transactions.answer(rec, 100);
  t.equal(s.branch.state, 'proceeding');
  t.same(s.events, [], '100 not passed on');
  s.transactions.answer(rec, 180);
  s.transactions.answer(rec, 486);
  t.same(s.events, ['provisional:180', 'final:486']);
  t.equal(s.branch.state, 'completed');
  t.ok(s.branch.isSettled);
  t.equal(s.clock.pending, 0, 'no timer left');
});

t.test(
  'timer C: reset by each 1xx other than 100, then CANCEL; the 487 is the final (RFC 3261 §16.8)',
  async (t) => {
    const s = setup();
    const rec = await s.start();
    s.clock.advance(100_000);
    s.transactions.answer(rec, 180); // restarts C
    s.clock.advance(100_000);
    s.transactions.answer(rec, 100); // does not restart C
    t.equal(s.transactions.requests('CANCEL').length, 0);
    s.clock.advance(TIMER_C - 100_000);
    const cancels = s.transactions.requests('CANCEL');
    t.equal(cancels.length, 1, 'CANCEL sent when timer C fires 185 s after the 180');
    t.equal(s.branch.state, 'cancelling');
    const cancel = cancels[0]!.request;
    t.equal(cancel.get('via'), rec.request.get('via'), 'CANCEL reuses the INVITE top Via (RFC 3261 §9.1)');
    t.equal(cancel.get('cseq'), '1 CANCEL');
    t.equal(cancel.startLine.kind === 'request' && cancel.startLine.uri, 'sip:bob@127.0.0.1:5081');
    s.transactions.answer(rec, 487);
    t.same(s.events, ['provisional:180', 'final:487']);
  },
);

t.test('no final after CANCEL within 64·T1 → the branch counts as 408 (RFC 3261 §9.1)', async (t) => {
  const s = setup();
  const rec = await s.start();
  s.transactions.answer(rec, 180);
  s.branch.cancel();
  t.equal(s.branch.state, 'cancelling');
  t.notOk(s.branch.isSettled, 'waits for the final response');
  s.clock.advance(64 * T1);
  t.same(s.events, ['provisional:180', 'final:408(synthetic)']);
  t.equal(s.finals[0]?.response, undefined);
});

t.test(
  'provisional timeout: no 1xx in time → abandoned; a late 1xx gets a CANCEL and nothing is reported',
  async (t) => {
    const s = setup({ provisionalTimeoutMs: 2000 });
    const rec = await s.start();
    s.clock.advance(1999);
    t.equal(s.branch.state, 'calling');
    s.clock.advance(1);
    t.equal(s.branch.state, 'abandoned');
    t.same(s.events, ['gaveUp']);
    t.ok(s.branch.isSettled);
    t.equal(
      s.transactions.requests('CANCEL').length,
      0,
      'no CANCEL before a provisional response (RFC 3261 §9.1)',
    );
    s.transactions.answer(rec, 180);
    t.equal(s.transactions.requests('CANCEL').length, 1, 'CANCEL once the late 180 arrives');
    t.ok(s.branch.isSettled, 'still settled for the search');
    s.transactions.answer(rec, 487);
    t.same(s.events, ['gaveUp'], 'late 180 and 487 are not passed on');
    t.equal(s.branch.state, 'completed');
  },
);

t.test('any 1xx, 100 included, stops the provisional timer', async (t) => {
  const s = setup({ provisionalTimeoutMs: 2000 });
  const rec = await s.start();
  s.transactions.answer(rec, 100);
  s.clock.advance(5000);
  t.equal(s.branch.state, 'proceeding');
  t.same(s.events, []);
});

t.test('cancel() while calling only marks the branch; cancel() while pending skips it', async (t) => {
  const s = setup();
  await s.start();
  s.branch.cancel();
  t.equal(s.branch.state, 'abandoned');
  t.equal(s.transactions.requests('CANCEL').length, 0);
  const p = setup();
  p.branch.cancel();
  t.equal(p.branch.state, 'skipped');
  t.ok(p.branch.isSettled);
});

t.test('timeout → 408, transport error → 503, both synthetic', async (t) => {
  const a = setup();
  const recA = await a.start();
  recA.handlers.onTimeout(recA.txn);
  t.same(a.events, ['final:408(synthetic)']);
  const b = setup();
  const recB = await b.start();
  recB.handlers.onTransportError(new Error('boom'), recB.txn);
  t.same(b.events, ['final:503(synthetic)']);
});

t.test('every 2xx is passed on (retransmissions and 2xx after a CANCEL included)', async (t) => {
  const s = setup();
  const rec = await s.start();
  s.transactions.answer(rec, 180);
  s.branch.cancel();
  s.transactions.answer(rec, 200);
  s.transactions.answer(rec, 200);
  t.same(s.events, ['provisional:180', 'answered:200', 'answered:200']);
  t.equal(s.branch.state, 'answered');
  t.equal(s.clock.pending, 0, 'cancel wait timer stopped');
});

t.test('a destination that cannot be reached ends as a synthetic 503 (RFC 3261 §16.9)', async (t) => {
  const s = setup();
  s.branch.start(() => {
    throw new Error('cannot build');
  });
  await flush();
  t.same(s.events, ['final:503(synthetic)']);
});
