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

class FakeDialog extends EventEmitter {
  connected = true;
  destroyed = 0;
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
