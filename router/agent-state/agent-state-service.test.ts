import t from 'tap';
import { EVENTS } from '../../infra/bus/catalogue.js';
import { waitFor } from '../../test-support/wait.js';
import type { AgentEvent } from '../model/agent.js';
import { openTestDb, stateWorld } from './agent-state-testkit.js';
import { AgentStateError } from './agent-state-types.js';
import { feedDeviceChanges } from './device-feed.js';
import type { TransitionRow, TransitionStore } from './transition-store.js';

const db = await openTestDb(t);

t.test('accepted transitions are versioned, persisted as rows and published in order', async (t) => {
  const w = stateWorld(t, db, ['p1']);
  const events: AgentEvent[] = [
    { type: 'log-in' },
    { type: 'set-not-ready', reason: 'lunch' },
    { type: 'set-ready' },
  ];
  for (const e of events) t.equal((await w.service.submit('p1', e)).ok, true, e.type);
  const rows = await w.store.list('p1');
  t.same(
    rows.map((r) => [r.version, r.from, r.to, r.reason, (r.event as { type: string }).type]),
    [
      [1, 'logged-out', 'ready', null, 'log-in'],
      [2, 'ready', 'not-ready', 'lunch', 'set-not-ready'],
      [3, 'not-ready', 'ready', null, 'set-ready'],
    ],
  );
  await waitFor(() => w.events.length === 3, { what: 'three agent.state events' });
  t.same(
    w.events.map((e) => [e.topic, (e.data as { version: number }).version]),
    [
      ['agent.state.p1', 1],
      ['agent.state.p1', 2],
      ['agent.state.p1', 3],
    ],
  );
  t.match(w.events[1]?.data, { from: 'ready', to: 'not-ready', reason: 'lunch', event: 'set-not-ready' });
  const view = await w.service.view('p1');
  t.match(view, { id: 'p1', state: 'ready', version: 3, availability: 'unavailable', devices: 0 });
});

t.test('illegal transitions and unknown agents are typed values; nothing changes', async (t) => {
  const w = stateWorld(t, db, ['p2']);
  const r = await w.service.submit('p2', { type: 'set-ready' });
  t.match(r, { ok: false, code: 'not-logged-in', agentId: 'p2', status: 'logged-out', event: 'set-ready' });
  t.match(await w.service.submit('nobody', { type: 'log-in' }), { ok: false, code: 'unknown-agent' });
  t.same(await w.store.list('p2'), []);
  t.match(await w.service.view('p2'), { version: 0, state: 'logged-out' });
  t.equal(await w.service.view('nobody'), undefined);
});

/** A store whose appends for one agent wait until released (to hold that agent's queue). */
function gatedStore(inner: TransitionStore, gatedAgent: string) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const appended: string[] = [];
  const store: TransitionStore = {
    async append(row: TransitionRow) {
      if (row.agentId === gatedAgent) await gate;
      appended.push(`${row.agentId}:${row.version}`);
      await inner.append(row);
    },
    list: (id) => inner.list(id),
    lastVersion: (id) => inner.lastVersion(id),
    forget: (id) => inner.forget(id),
  };
  return { store, release, appended };
}

t.test('one writer per agent: strict order per agent, other agents not blocked', async (t) => {
  const base = stateWorld(t, db, []);
  const g = gatedStore(base.store, 'q1');
  const w = stateWorld(t, db, ['q1', 'q2'], { store: g.store });
  const q1: AgentEvent[] = [
    { type: 'log-in' },
    { type: 'set-not-ready', reason: 'r1' },
    { type: 'set-not-ready', reason: 'r2' },
    { type: 'set-ready' },
    { type: 'set-not-ready', reason: 'r3' },
  ];
  const pending = q1.map((e) => w.service.submit('q1', e)); // all submitted at once, none awaited
  const other = await w.service.submit('q2', { type: 'log-in' });
  t.equal(other.ok, true, 'q2 is applied while q1 is held');
  t.same(g.appended, ['q2:1'], 'q1 has not moved past its first event');
  g.release();
  const results = await Promise.all(pending);
  t.same(
    results.map((r) => (r.ok ? r.agent.version : r.code)),
    [1, 2, 3, 4, 5],
  );
  const rows = await w.store.list('q1');
  t.same(
    rows.map((r) => r.reason),
    [null, 'r1', 'r2', null, 'r3'],
  );
  t.match(await w.service.view('q1'), { mode: 'not-ready', reason: 'r3', version: 5 });
});

t.test('an offer timer fires on the clock and feeds timer-fired back through the queue', async (t) => {
  const w = stateWorld(t, db, ['t1']);
  await w.service.submit('t1', { type: 'log-in' });
  await w.service.submit('t1', { type: 'devices-changed', registered: 1 });
  t.match(await w.service.view('t1'), { availability: 'available', devices: 1 });
  const offer = await w.service.submit('t1', {
    type: 'offer',
    offerId: 'o1',
    channel: 'voice',
    timeoutMs: 8000,
  });
  t.equal(offer.ok, true);
  t.equal(w.clock.pending, 1, 'one timer for the reservation');
  w.clock.advance(7999);
  t.match(await w.service.view('t1'), { state: 'reserved' });
  w.clock.advance(1);
  await waitFor(async () => (await w.service.view('t1'))?.state === 'ready', { what: 'reservation timeout' });
  t.same(w.revoked, [{ agentId: 't1', offerId: 'o1', reason: 'timeout' }]);
  const last = (await w.store.list('t1')).at(-1);
  t.match(last, { from: 'reserved', to: 'ready', event: { type: 'timer-fired' } });
});

t.test('wrap-up ends by its timer; a cancelled timer never fires', async (t) => {
  const w = stateWorld(t, db, ['t2']);
  await w.service.submit('t2', { type: 'log-in' });
  await w.service.submit('t2', { type: 'devices-changed', registered: 1 });
  await w.service.submit('t2', { type: 'offer', offerId: 'o1', channel: 'voice', timeoutMs: 8000 });
  await w.service.submit('t2', { type: 'offer-accepted', offerId: 'o1', callId: 'c1' });
  t.equal(w.clock.pending, 0, 'accepting cancelled the offer timer');
  await w.service.submit('t2', { type: 'call-ended', callId: 'c1' });
  t.match(await w.service.view('t2'), { state: 'wrap-up', availability: 'unavailable' });
  w.clock.advance(10_000);
  await waitFor(async () => (await w.service.view('t2'))?.state === 'ready', { what: 'wrap-up end' });
  t.same(w.revoked, []);
  t.equal(w.clock.pending, 0);
});

t.test('a failed history write leaves the state unchanged', async (t) => {
  const failing: TransitionStore = {
    append: () => Promise.reject(new Error('disk full')),
    list: () => Promise.resolve([]),
    lastVersion: () => Promise.resolve(0),
    forget: () => Promise.resolve(),
  };
  const w = stateWorld(t, db, ['f1'], { store: failing });
  const err = await w.service.submit('f1', { type: 'log-in' }).catch((e: unknown) => e);
  t.ok(err instanceof AgentStateError);
  t.match(err, { code: 'persist-failed', cause: { message: 'disk full' } });
  t.match(await w.service.view('f1'), { state: 'logged-out', version: 0 });
  t.equal(w.events.length, 0);
});

t.test('a restarted writer continues the stored version sequence', async (t) => {
  const first = stateWorld(t, db, ['v1']);
  await first.service.submit('v1', { type: 'log-in' });
  await first.service.submit('v1', { type: 'set-not-ready', reason: 'x' });
  await first.service.close();
  const second = stateWorld(t, db, ['v1']);
  t.match(await second.service.view('v1'), { state: 'logged-out', version: 2 });
  const r = await second.service.submit('v1', { type: 'log-in' });
  t.match(r, { ok: true, agent: { version: 3 } });
  t.same(
    (await second.store.list('v1')).map((row) => row.version),
    [1, 2, 3],
  );
});

t.test('registrar binding events drive the device count', async (t) => {
  const w = stateWorld(t, db, ['d1']);
  const stop = feedDeviceChanges(w.bus, w.service);
  t.teardown(stop);
  await w.service.submit('d1', { type: 'log-in' });
  const binding = {
    agentId: 'd1',
    aor: 'sip:d1@example.test',
    contact: 'sip:d1@192.0.2.1:5060',
    transport: 'udp',
    source: '192.0.2.1:5060',
  };
  await w.bus.publish(
    EVENTS.deviceRegistered,
    { ...binding, devices: 1, expiresAt: '2026-01-01T01:00:00Z' },
    'd1',
  );
  await waitFor(async () => (await w.service.view('d1'))?.devices === 1, { what: 'one device' });
  t.match(await w.service.view('d1'), { availability: 'available' });
  await w.bus.publish(EVENTS.deviceUnregistered, { ...binding, devices: 0, reason: 'expired' }, 'd1');
  await waitFor(async () => (await w.service.view('d1'))?.devices === 0, { what: 'no device' });
  t.match(await w.service.view('d1'), { availability: 'unavailable' });
});
