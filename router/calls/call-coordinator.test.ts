/**
 * The coordinator with a FakeClock, the real agent state service (PGlite in memory, in-process
 * bus) and a scripted CallControl standing in for the SIP layer: offers, ring timeouts, the next
 * agent, the caller leaving, max wait, closed hours — asserting agent states, what the SIP layer
 * was asked to do, and the call.* events.
 */
import t from 'tap';
import type { Test } from 'tap';
import type { BusEnvelope } from '../../infra/bus/types.js';
import { openTestDb, stateWorld } from '../agent-state/agent-state-testkit.js';
import type { StateWorld } from '../agent-state/agent-state-testkit.js';
import { agentStatus } from '../model/agent-availability.js';
import { queue } from '../queues/policy/routing-testkit.js';
import type { QueueSpecData } from '../queues/model/queue-schema.js';
import { waitFor } from '../../test-support/wait.js';
import { CallCoordinator } from './call-coordinator.js';
import type { CallControl, OfferRequest, OfferResult, OverflowResult } from './call-ports.js';
import type { HungUpBy } from './model/call.js';

const db = await openTestDb(t);
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The SIP layer as a script: offers stay pending until the test settles them. */
class ScriptedCall implements CallControl {
  readonly log: string[] = [];
  readonly pending = new Map<string, { req: OfferRequest; settle: (r: OfferResult) => void }>();
  rejected: number | undefined;
  /** A side whose dialog ended without the SIP layer reporting it (reconciliation finds it). */
  ended: HungUpBy | undefined;

  queued(): void {
    this.log.push('queued');
  }
  reject(status: number): void {
    this.rejected = status;
    this.log.push(`reject ${status}`);
  }
  offer(req: OfferRequest, onRinging: (devices: number) => void): Promise<OfferResult> {
    this.log.push(`offer ${req.agentId}`);
    onRinging(1);
    return new Promise((settle) => this.pending.set(req.offerId, { req, settle }));
  }
  withdraw(offerId: string): boolean {
    this.log.push(`withdraw ${this.pending.get(offerId)?.req.agentId ?? '?'}`);
    this.settle(offerId, { outcome: 'cancelled', status: 487 });
    return true;
  }
  overflow(): Promise<OverflowResult> {
    return Promise.resolve({ answered: false, status: 503, target: '' });
  }
  hangup(): void {
    this.log.push('hangup');
  }
  endedSide(): HungUpBy | undefined {
    return this.ended;
  }
  settle(offerId: string, r: OfferResult): void {
    this.pending.get(offerId)?.settle(r);
    this.pending.delete(offerId);
  }
  offerTo(agentId: string): string | undefined {
    return [...this.pending.entries()].find(([, p]) => p.req.agentId === agentId)?.[0];
  }
}

interface World extends StateWorld {
  coordinator: CallCoordinator;
  calls: BusEnvelope[];
}

async function world(t: Test, specs: QueueSpecData[], ready: string[]): Promise<World> {
  const ids = [...new Set(specs.flatMap((q) => q.members.map((m) => m.agentId)))];
  const w = stateWorld(t, db, ids);
  for (const id of ids) {
    await w.service.submit(id, { type: 'log-in' });
    await w.service.submit(id, { type: 'devices-changed', registered: 1 });
    if (!ready.includes(id)) await w.service.submit(id, { type: 'set-not-ready', reason: 'break' });
  }
  const calls: BusEnvelope[] = [];
  w.bus.subscribe('call.>', (e) => calls.push(e));
  const coordinator = new CallCoordinator({
    clock: w.clock,
    bus: w.bus,
    agents: w.service,
    facts: () => undefined,
    queues: specs,
    log: silent,
  });
  await coordinator.start();
  t.teardown(() => coordinator.close());
  return { ...w, coordinator, calls };
}

let seq = 0;
async function arrive(w: World, queueId: string): Promise<{ id: string; sip: ScriptedCall }> {
  const id = `call-${++seq}`;
  const sip = new ScriptedCall();
  const info = {
    callId: id,
    sipCallId: `sip-${id}`,
    caller: '+15550001',
    callerRestricted: false,
    dialled: '4000',
    entry: { kind: 'queue' as const, queueId },
  };
  await w.coordinator.arrive(info, sip);
  return { id, sip };
}

const status = async (w: World, id: string): Promise<string> => {
  const a = await w.service.snapshot(id);
  return a ? agentStatus(a) : 'unknown';
};
/** Waits for the call's call.ended on the bus (publication is asynchronous). */
const endedEvent = (w: World, callId: string): Promise<BusEnvelope> =>
  waitFor(() => w.calls.find((e) => e.topic === `call.ended.${callId}`), { what: `call.ended.${callId}` });
const topics = (w: World, callId: string): string[] =>
  w.calls.filter((e) => e.topic.endsWith(`.${callId}`)).map((e) => e.type);

t.test('answered: the agent goes on-call, then wrap-up; call.ended completed', async (t) => {
  const w = await world(t, [queue({ id: 'q', members: [{ agentId: 'a1', penalty: 0 }] })], ['a1']);
  const { id, sip } = await arrive(w, 'q');
  const offerId = await waitFor(() => sip.offerTo('a1'), { what: 'offer to a1' });
  t.equal(await status(w, 'a1'), 'reserved', 'reserved while ringing');
  sip.settle(offerId, { outcome: 'answered' });
  await waitFor(async () => (await status(w, 'a1')) === 'on-call', { what: 'a1 on-call' });
  w.coordinator.hungUp(id, 'caller');
  await waitFor(async () => (await status(w, 'a1')) === 'wrap-up', { what: 'a1 wrap-up' });
  await waitFor(() => w.coordinator.activeCalls() === 0, { what: 'call forgotten' });
  await endedEvent(w, id);
  t.same(topics(w, id), [
    'call.arrived',
    'call.queued',
    'call.offered',
    'call.offer-ended',
    'call.answered',
    'call.ended',
  ]);
  t.match(w.calls.at(-1)?.data, { outcome: 'completed', hungUpBy: 'caller', agentId: 'a1' });
});

t.test('ring timeout → CANCEL, counted no-answer, the next agent is offered', async (t) => {
  const spec = queue({
    id: 'q',
    ringTimeoutSeconds: 5,
    members: [
      { agentId: 'b1', penalty: 0 },
      { agentId: 'b2', penalty: 1 },
    ],
  });
  const w = await world(t, [spec], ['b1', 'b2']);
  const { id, sip } = await arrive(w, 'q');
  await waitFor(() => sip.offerTo('b1'), { what: 'offer to b1' });
  w.clock.advance(5000);
  const second = await waitFor(() => sip.offerTo('b2'), { what: 'offer to b2' });
  t.same(sip.log.slice(0, 4), ['queued', 'offer b1', 'withdraw b1', 'offer b2']);
  t.equal((await w.service.snapshot('b1'))?.noAnswerCount, 1, 'no-answer counted on b1');
  t.equal(await status(w, 'b1'), 'ready', 'b1 released');
  sip.settle(second, { outcome: 'failed', failure: 'busy', status: 486 });
  // Every member tried: the policy starts over with b1.
  await waitFor(() => sip.offerTo('b1'), { what: 'b1 offered again' });
  const ended = w.calls.filter((e) => e.type === 'call.offer-ended' && e.topic.endsWith(id));
  t.same(
    ended.map((e) => (e.data as { outcome: string }).outcome),
    ['no-answer', 'busy'],
  );
  w.coordinator.callerGone(id);
  await waitFor(() => w.coordinator.activeCalls() === 0, { what: 'call forgotten' });
});

t.test('caller leaves while an agent rings: withdrawn, agent ready, call.ended last', async (t) => {
  const w = await world(t, [queue({ id: 'q', members: [{ agentId: 'c1', penalty: 0 }] })], ['c1']);
  const { id, sip } = await arrive(w, 'q');
  await waitFor(() => sip.offerTo('c1'), { what: 'offer to c1' });
  w.coordinator.callerGone(id);
  await waitFor(() => w.coordinator.activeCalls() === 0, { what: 'call forgotten' });
  await endedEvent(w, id);
  t.equal(await status(w, 'c1'), 'ready');
  t.equal(topics(w, id).at(-1), 'call.ended');
  t.match(w.calls.find((e) => e.type === 'call.offer-ended')?.data, { outcome: 'cancelled' });
  t.match(w.calls.at(-1)?.data, { outcome: 'abandoned' });
});

t.test('max wait with nobody ready: refused with the configured status', async (t) => {
  const spec = queue({
    id: 'q',
    maxWaitSeconds: 30,
    onMaxWait: { action: 'reject', status: 486 },
    members: [{ agentId: 'd1', penalty: 0 }],
  });
  const w = await world(t, [spec], []);
  const { id, sip } = await arrive(w, 'q');
  t.same(sip.log, ['queued']);
  w.clock.advance(30_001);
  await waitFor(() => sip.rejected, { what: 'refusal' });
  t.equal(sip.rejected, 486);
  t.match((await endedEvent(w, id)).data, { callId: id, outcome: 'timed-out', status: 486 });
  t.equal(w.coordinator.activeCalls(), 0, 'nothing held');
});

t.test('closed: refused at once with onClosed; nothing queued', async (t) => {
  const spec = queue({
    id: 'q',
    hours: { timeZone: 'UTC', weekly: [] },
    onClosed: { action: 'reject', status: 403 },
    members: [{ agentId: 'e1', penalty: 0 }],
  });
  const w = await world(t, [spec], ['e1']);
  const { id, sip } = await arrive(w, 'q');
  t.same(sip.log, ['reject 403']);
  await endedEvent(w, id);
  t.same(topics(w, id), ['call.arrived', 'call.ended']);
  t.match(
    w.calls.at(-1)?.data,
    { outcome: 'rejected', status: 403, queueId: 'q' },
    'call.ended names the queue',
  );
});

t.test('queue.state: published at start and when a caller waits', async (t) => {
  const w = await world(t, [queue({ id: 'q', members: [{ agentId: 'f1', penalty: 0 }] })], []);
  const states: BusEnvelope[] = [];
  w.bus.subscribe('queue.state.>', (e) => states.push(e));
  await arrive(w, 'q');
  w.clock.advance(300);
  const waiting = await waitFor(() => states.find((e) => (e.data as { depth: number }).depth === 1), {
    what: 'queue.state depth 1',
  });
  t.match(waiting.data, { queueId: 'q', open: true, depth: 1, loggedInAgents: 1, availableAgents: 0 });
});

t.test('reconciliation: a connected call whose agent leg ended unreported is ended', async (t) => {
  const w = await world(t, [queue({ id: 'q', members: [{ agentId: 'h1', penalty: 0 }] })], ['h1']);
  const { id, sip } = await arrive(w, 'q');
  sip.settle(await waitFor(() => sip.offerTo('h1'), { what: 'offer to h1' }), { outcome: 'answered' });
  await waitFor(async () => (await status(w, 'h1')) === 'on-call', { what: 'h1 on-call' });
  w.clock.advance(30_000);
  await waitFor(() => w.coordinator.activeCalls() === 1, { what: 'sweep ran' });
  t.equal(await status(w, 'h1'), 'on-call', 'both legs up: the call stays');
  t.notOk(sip.log.includes('hangup'));
  sip.ended = 'agent'; // e.g. its BYE was read before anyone listened
  w.clock.advance(30_000);
  await waitFor(async () => (await status(w, 'h1')) === 'wrap-up', { what: 'h1 wrap-up' });
  t.ok(sip.log.includes('hangup'), 'BYE to what was left');
  t.match((await endedEvent(w, id)).data, { outcome: 'completed', hungUpBy: 'agent', agentId: 'h1' });
});

t.test('reconciliation: an agent on a voice call nobody holds leaves on-call; chats stay', async (t) => {
  const w = await world(t, [queue({ id: 'q', members: [{ agentId: 'k1', penalty: 0 }] })], ['k1']);
  await w.service.submit('k1', { type: 'call-started', callId: 'chat-1', channel: 'chat' });
  await w.service.submit('k1', { type: 'call-started', callId: 'ghost-1', channel: 'voice' });
  await waitFor(async () => (await status(w, 'k1')) === 'on-call', { what: 'k1 on-call' });
  w.clock.advance(29_999);
  t.equal(await status(w, 'k1'), 'on-call', 'not before the interval');
  w.clock.advance(1);
  const work = async () =>
    (await w.service.snapshot('k1'))?.work.map((x) => `${'callId' in x ? x.callId : x.offerId}:${x.state}`);
  await waitFor(async () => (await work())?.includes('ghost-1:wrap-up'), { what: 'ghost call reaped' });
  t.same((await work())?.sort(), ['chat-1:on-call', 'ghost-1:wrap-up']);
});
