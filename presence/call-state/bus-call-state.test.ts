/**
 * BusCallStateSource on the in-process bus (the real one `patchbay start` uses without NATS), a
 * FakeClock for the linger, and an in-memory agent directory.
 */
import t from 'tap';
import type { Test } from 'tap';
import { EVENTS, MemoryBus } from '../../infra/bus/index.js';
import { FakeClock } from '../../sip-engine/util/clock.js';
import { waitFor } from '../../test-support/wait.js';
import { BusCallStateSource } from './bus-call-state.js';
import type { AgentAors } from './bus-call-state.js';

const A1 = 'sip:a1@cc.example.com';
const AT = '2026-01-01T00:00:00.000Z';

async function world(t: Test) {
  const clock = new FakeClock();
  const bus = new MemoryBus({ nodeId: 'n1', clock });
  t.teardown(() => bus.drain());
  const agents = new Map<string, AgentAors>([
    ['a1', { id: 'a1', aors: [A1, 'sip:a1@elsewhere.example'] }],
    ['a2', { id: 'a2', aors: ['sip:a2@cc.example.com'] }],
  ]);
  const directory = {
    list: () => Promise.resolve([...agents.values()]),
    find: (id: string) => Promise.resolve(agents.get(id)),
  };
  const source = await BusCallStateSource.start({
    bus,
    directory,
    domains: ['cc.example.com'],
    clock,
    options: { lingerMs: 5000, memoryMs: 60_000, maxMemory: 100 },
  });
  t.teardown(() => source.stop());
  const changes: string[] = [];
  source.onChange((p) => changes.push(p));
  /** Resolves once the listener has heard `n` changes in all. */
  const heard = (n: number) =>
    waitFor(() => changes.length >= n, { timeoutMs: 20_000, what: `${n} changes` });
  const states = (p = A1) => source.dialogsOf(p).map((d) => [d.state, d.event ?? null]);
  const agentState = (agentId: string, to: string) =>
    bus.publish(
      EVENTS.agentState,
      { agentId, version: 1, from: 'x', to, mode: 'ready', event: 'e', at: AT, availability: {} },
      agentId,
    );
  return { clock, bus, agents, source, changes, heard, states, agentState };
}

const offer = { callId: 'c1', offerId: 'o1', agentId: 'a1', devices: 1, personalManager: false, at: AT };

t.test("call events → the agent's dialogs under its presentities in the domain", async (t) => {
  const w = await world(t);
  await w.bus.publish(EVENTS.callOffered, offer, 'c1');
  await w.heard(1);
  t.same(w.changes, [A1], 'only the AOR in the served domain is a presentity');
  t.match(w.source.dialogsOf(A1), [{ id: 'o1', direction: 'recipient', state: 'early' }]);
  t.same(w.source.dialogsOf('sip:a1@elsewhere.example'), []);
  t.same(w.source.dialogsOf('sip:nobody@cc.example.com'), []);

  await w.bus.publish(EVENTS.callAnswered, { callId: 'c1', agentId: 'a1', waitMs: 10, at: AT }, 'c1');
  await w.heard(2);
  t.same(w.states(), [['confirmed', null]]);
  await w.agentState('a1', 'on-call');
  await w.agentState('a1', 'wrap-up');
  await w.bus.publish(
    EVENTS.callEnded,
    { callId: 'c1', outcome: 'completed', hungUpBy: 'caller', agentId: 'a1', waitMs: 10, at: AT },
    'c1',
  );
  await w.heard(3);
  t.same(w.states(), [['terminated', 'remote-bye']], 'agent states with work changed nothing');
  w.clock.advance(4999);
  t.equal(w.changes.length, 3, 'shown while it lingers');
  w.clock.advance(1);
  t.equal(w.changes.length, 4, 'removal notified');
  t.same(w.source.dialogsOf(A1), []);
});

t.test('an agent state without work ends what is still lit (a lost call.ended)', async (t) => {
  const w = await world(t);
  await w.bus.publish(EVENTS.callOffered, offer, 'c1');
  await w.bus.publish(EVENTS.callAnswered, { callId: 'c1', agentId: 'a1', waitMs: 10, at: AT }, 'c1');
  await w.heard(2);
  await w.agentState('a1', 'ready');
  await w.heard(3);
  t.same(w.states(), [['terminated', null]]);
});

t.test('answered by an overflow target, and events of other types: no dialog', async (t) => {
  const w = await world(t);
  await w.bus.publish(
    EVENTS.callAnswered,
    { callId: 'c9', overflowTarget: 'sip:x@y', waitMs: 1, at: AT },
    'c9',
  );
  await w.bus.publish(
    EVENTS.callQueued,
    { callId: 'c9', queueId: 'q', priority: 0, position: 1, at: AT },
    'c9',
  );
  await w.bus.publish(EVENTS.callOffered, { ...offer, agentId: 'a2' }, 'c1');
  await w.heard(1);
  t.same(w.changes, ['sip:a2@cc.example.com'], 'only the offer to a2 was a change');
});

t.test("a directory change moves the dialogs to the agent's new presentities", async (t) => {
  const w = await world(t);
  await w.bus.publish(EVENTS.callOffered, offer, 'c1');
  await w.heard(1);
  w.agents.set('a1', { id: 'a1', aors: ['sip:alice@cc.example.com'] });
  await w.bus.publish(EVENTS.agentDirectoryChanged, { agentId: 'a1', change: 'updated', version: 2 }, 'a1');
  await w.heard(3);
  t.same(w.changes.slice(1).sort(), [A1, 'sip:alice@cc.example.com'], 'old and new presentities notified');
  t.same(w.source.dialogsOf(A1), []);
  t.same(w.states('sip:alice@cc.example.com'), [['early', null]]);
});

t.test('stopped: no longer follows the bus', async (t) => {
  const w = await world(t);
  w.source.stop();
  await w.bus.publish(EVENTS.callOffered, offer, 'c1');
  await w.bus.publish(EVENTS.callOffered, { ...offer, agentId: 'a2' }, 'c1');
  // A subscriber added after stop() sees both events delivered, so the source had its chance.
  let seen = 0;
  w.bus.subscribe('call.>', () => seen++);
  await w.bus.publish(EVENTS.callOffered, { ...offer, offerId: 'o3' }, 'c1');
  await waitFor(() => seen >= 1, { timeoutMs: 20_000, what: 'delivery' });
  t.same(w.changes, []);
  t.same(w.source.dialogsOf(A1), []);
});
