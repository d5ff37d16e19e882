/**
 * bridge(): a BYE on one side ends the other, once; and a side that drachtio-srf had already ended
 * before bridge() could listen (its BYE read together with its creation — srf emits `destroy`
 * once and then drops every listener) still ends the bridge, after the answer is reported.
 */
import { EventEmitter } from 'node:events';
import t from 'tap';
import type { SrfDialog } from '../../../infra/drachtio/srf-connection.js';
import type { HungUpBy } from '../model/call.js';
import { bridge } from './bridge.js';

const sdp = (version: number, dir = 'sendrecv'): string =>
  `v=0\r\no=x 1 ${version} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=${dir}\r\n`;

class FakeDialog extends EventEmitter {
  connected = true;
  destroyed = 0;
  remote = { sdp: sdp(1) };
  local = { sdp: sdp(7) };
  readonly offered: string[] = [];
  /** Our re-INVITE to this side: it answers with its SDP, version bumped. */
  modify(body: string): Promise<string> {
    this.offered.push(body);
    return Promise.resolve(sdp(2, 'recvonly'));
  }
  destroy(_opts?: unknown, cb?: () => void): void {
    this.destroyed++;
    this.connected = false;
    cb?.();
  }
  /** What srf does on a BYE from the peer: connected false, `destroy`, listeners dropped. */
  byeFromPeer(): void {
    this.connected = false;
    this.emit('destroy');
    this.removeAllListeners();
  }
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function world() {
  const caller = new FakeDialog();
  const agent = new FakeDialog();
  const ends: HungUpBy[] = [];
  const run = () =>
    bridge(caller as unknown as SrfDialog, agent as unknown as SrfDialog, {
      onEnd: (by) => ends.push(by),
      log: silent,
      callId: 'c1',
    });
  return { caller, agent, ends, run };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

t.test('BYE from the caller ends the agent leg once', (t) => {
  const w = world();
  w.run();
  w.caller.byeFromPeer();
  t.same(w.ends, ['caller']);
  t.equal(w.agent.destroyed, 1, 'BYE sent to the agent');
  w.agent.emit('destroy');
  t.same(w.ends, ['caller'], 'the agent side ending after does not end the call twice');
  t.end();
});

t.test('BYE from the agent ends the caller leg', (t) => {
  const w = world();
  w.run();
  w.agent.byeFromPeer();
  t.same(w.ends, ['agent']);
  t.equal(w.caller.destroyed, 1);
  t.end();
});

t.test('a caller already ended when bridged ends the agent leg after the current turn', async (t) => {
  const w = world();
  w.caller.byeFromPeer(); // BYE arrived in the same read as the dialog's creation
  w.run();
  t.same(w.ends, [], 'not synchronously: the answer is reported first');
  await nextTurn();
  t.same(w.ends, ['caller']);
  t.equal(w.agent.destroyed, 1, 'BYE sent to the agent: nothing left up');
  t.equal(w.caller.destroyed, 0, 'no BYE to a caller that already hung up');
});

t.test('an agent leg already ended when bridged ends the caller leg', async (t) => {
  const w = world();
  w.agent.byeFromPeer();
  w.run();
  await nextTurn();
  t.same(w.ends, ['agent']);
  t.equal(w.caller.destroyed, 1);
});

t.test('two live sides: nothing ends by itself', async (t) => {
  const w = world();
  w.run();
  await nextTurn();
  t.same(w.ends, []);
  t.equal(w.caller.destroyed + w.agent.destroyed, 0);
});

interface Sent {
  status: number;
  opts?: { body?: string; headers?: Record<string, string> };
}

/** A re-INVITE or UPDATE from the peer, as srf hands it over (remote SDP already stored). */
function inDialog(d: FakeDialog, event: 'modify' | 'update', body: string, se?: string): Promise<Sent> {
  return new Promise((resolve) => {
    const req = { body, get: (h: string) => (h === 'Session-Expires' ? se : undefined) };
    const res = {
      send: (status: number, opts?: Sent['opts']) => resolve({ status, ...(opts ? { opts } : {}) }),
    };
    if (event === 'modify') d.remote.sdp = body;
    d.emit(event, req, res);
  });
}

t.test(
  'a session refresh (same o= line) is answered on its leg with Session-Expires (RFC 4028 §9)',
  async (t) => {
    const w = world();
    w.run();
    const r = await inDialog(w.caller, 'modify', sdp(1), '1800;refresher=uac');
    t.equal(r.status, 200);
    t.equal(r.opts?.body, w.caller.local.sdp, 'our last SDP again');
    t.match(r.opts?.headers, { 'Session-Expires': '1800;refresher=uac', Require: 'timer' });
    t.same(w.agent.offered, [], 'not relayed to the agent');
  },
);

t.test('a changed SDP (hold) is relayed, and the 2xx still echoes Session-Expires', async (t) => {
  const w = world();
  w.run();
  const r = await inDialog(w.caller, 'modify', sdp(2, 'sendonly'), '900;refresher=uas');
  t.equal(w.agent.offered.length, 1, 'relayed to the agent');
  t.match(r.opts?.body, /a=recvonly/, "the agent's answer");
  t.match(r.opts?.headers, { 'Session-Expires': '900;refresher=uas' });
  // The same SDP again is now a refresh of the new session version.
  const again = await inDialog(w.caller, 'modify', sdp(2, 'sendonly'));
  t.equal(again.status, 200);
  t.equal(w.agent.offered.length, 1, 'the refresh is not relayed');
  t.notOk(again.opts?.headers?.['Session-Expires'], 'no timer asked, none given');
});

t.test('an UPDATE refresh without SDP is answered 200 with its Session-Expires', async (t) => {
  const w = world();
  w.run();
  const r = await inDialog(w.agent, 'update', '', '600');
  t.equal(r.status, 200);
  t.equal(r.opts?.body, undefined);
  t.match(r.opts?.headers, { 'Session-Expires': '600;refresher=uac' });
});
