/** Unit tests of the dialog state machine, routing (RFC 3261 §12.2.1.1) and the store's matching. */
import t from 'tap';
import type { AppConnection } from '../app/types.js';
import { Dialog } from './dialog.js';
import type { DialogInit } from './dialog.js';
import { DialogStore } from './dialog-store.js';
import { IllegalTransitionError } from './fsm.js';
import { UasLeg } from './uas-leg.js';

const app: AppConnection = {
  id: 'a',
  remoteAddress: '127.0.0.1',
  remotePort: 1,
  tags: [],
  authenticated: true,
  open: true,
};

function dialog(over: Partial<DialogInit> = {}): Dialog {
  return new Dialog({
    id: 'c1;from-tag=r1',
    callId: 'c1',
    role: 'uas',
    usage: 'INVITE',
    localTag: 'l1',
    remoteTag: 'r1',
    localParty: '<sip:me@h>;tag=l1',
    remoteParty: '<sip:you@h>;tag=r1',
    remoteTarget: 'sip:you@10.0.0.2:5070',
    routeSet: [],
    localContact: '<sip:h:5060>',
    localSeq: 10,
    remoteSeq: 1,
    app,
    protocol: 'udp',
    ...over,
  });
}

t.test('state machine: early → confirmed → terminated; illegal moves throw', (t) => {
  const d = dialog();
  d.to('confirmed');
  t.throws(() => d.to('early'), IllegalTransitionError);
  d.to('terminated');
  t.throws(() => d.to('confirmed'), IllegalTransitionError);
  t.end();
});

t.test('routing: loose route keeps the target as Request-URI; strict route swaps', (t) => {
  const loose = dialog({ routeSet: ['<sip:proxy:5080;lr>'] });
  t.same(loose.requestRouting(), { uri: 'sip:you@10.0.0.2:5070', routes: ['<sip:proxy:5080;lr>'] });
  t.same(loose.nextHop(), { protocol: 'udp', host: 'proxy', port: 5080 });
  const strict = dialog({ routeSet: ['<sip:proxy:5080>', '<sip:p2;lr>'] });
  t.same(strict.requestRouting(), {
    uri: 'sip:proxy:5080',
    routes: ['<sip:p2;lr>', '<sip:you@10.0.0.2:5070>'],
  });
  t.same(dialog().nextHop(), { protocol: 'udp', host: '10.0.0.2', port: 5070 });
  t.end();
});

t.test('CSeq: increments, and takes a higher app value', (t) => {
  const d = dialog();
  t.equal(d.nextCSeq(), 11);
  t.equal(d.nextCSeq(20), 20);
  t.equal(d.nextCSeq(5), 21);
  t.end();
});

t.test('store matching by Call-ID and tags, both roles', (t) => {
  const s = new DialogStore();
  const uas = dialog();
  const uac = dialog({
    id: 'c2;from-tag=mine',
    callId: 'c2',
    role: 'uac',
    localTag: 'mine',
    remoteTag: 'theirs',
  });
  s.add(uas);
  s.add(uac);
  t.equal(s.matchRequest('c1', 'r1', 'l1'), uas);
  t.equal(s.matchRequest('c1', 'r1', 'wrong'), undefined);
  t.equal(s.matchRequest('c2', 'theirs', 'mine'), uac);
  t.equal(s.matchResponse('c2', 'mine'), uac);
  t.ok(s.remove(uas));
  t.notOk(s.remove(uas));
  t.equal(s.size, 1);
  t.end();
});

t.test('UAS leg lifecycle rejects illegal moves', (t) => {
  const leg = new UasLeg({
    txnId: 't',
    inbound: { message: { method: 'INVITE' } } as never,
    txn: {} as never,
    kind: 'initial',
    callId: 'c',
    fromTag: 'f',
    cseq: 1,
    app,
  });
  leg.to('proceeding');
  leg.to('accepted');
  t.throws(() => leg.to('canceled'), IllegalTransitionError);
  leg.to('completed');
  t.notOk(leg.open);
  t.end();
});
