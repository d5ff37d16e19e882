import t from 'tap';
import { FakeClock } from '../util/clock.js';
import { Connection } from './connection.js';
import type { Carrier, CloseReason } from './connection.js';
import { TransportError } from './errors.js';

function fakeCarrier(conn: Connection): {
  carrier: Carrier;
  written: Buffer[];
  closes: boolean[];
  backlog: number;
} {
  const state = { written: [] as Buffer[], closes: [] as boolean[], backlog: 0 };
  const carrier: Carrier = {
    write: (data, done) => {
      state.written.push(data);
      done();
    },
    get backlogBytes() {
      return state.backlog;
    },
    close: (abort) => {
      state.closes.push(abort);
      conn.carrierGone();
    },
  };
  conn.attach(carrier);
  return Object.assign(state, { carrier });
}

function make(clock: FakeClock, direction: 'inbound' | 'outbound', closed: CloseReason[]): Connection {
  return new Connection({
    id: 'tcp-1',
    protocol: 'tcp',
    direction,
    remote: { address: '127.0.0.1', port: 5000 },
    local: { protocol: 'tcp', address: '127.0.0.1', port: 5060 },
    clock,
    idleTimeoutMs: 1000,
    establishedIdleTimeoutMs: 60_000,
    maxBacklogBytes: 100,
    onClosed: (_c, reason) => closed.push(reason),
  });
}

t.test('idle timer before the first message: activity postpones, silence closes', async (t) => {
  const clock = new FakeClock();
  const closed: CloseReason[] = [];
  const conn = make(clock, 'inbound', closed);
  const fc = fakeCarrier(conn);
  clock.advance(900);
  conn.touch();
  clock.advance(900);
  t.equal(conn.state, 'open', 'touched 900 ms ago');
  clock.advance(100);
  t.equal(conn.state, 'closed');
  t.same(closed, ['idle']);
  t.same(fc.closes, [false], 'idle close is polite');
  t.equal(await conn.closed, 'idle');
  t.equal(clock.pending, 0, 'no timer left behind');
});

t.test(
  'outbound: sends wait for open; a connect that never completes fails with connect-failed',
  async (t) => {
    const clock = new FakeClock();
    const closed: CloseReason[] = [];
    const conn = make(clock, 'outbound', closed);
    const fc = fakeCarrier(conn);
    const pending = conn.send(Buffer.from('early'));
    conn.opened();
    await pending;
    t.same(fc.written.map(String), ['early']);
    conn.close('stopped');
    t.same(fc.closes, [true]);

    const slow = make(clock, 'outbound', closed);
    fakeCarrier(slow);
    const never = slow.send(Buffer.from('x')).catch((e: unknown) => e);
    clock.advance(1000);
    const err = await never;
    t.ok(err instanceof TransportError && err.code === 'connect-failed');
    t.same(closed, ['stopped', 'connect-failed']);
  },
);

t.test('write backlog bound and sends after close', async (t) => {
  const clock = new FakeClock();
  const closed: CloseReason[] = [];
  const conn = make(clock, 'inbound', closed);
  const fc = fakeCarrier(conn);
  fc.backlog = 90;
  const err = await conn.send(Buffer.alloc(20)).catch((e: unknown) => e);
  t.ok(err instanceof TransportError && err.code === 'closed');
  t.same(closed, ['backlog']);
  const after = await conn.send(Buffer.from('x')).catch((e: unknown) => e);
  t.ok(after instanceof TransportError && after.code === 'closed');
  conn.close('stopped');
  t.same(closed, ['backlog'], 'closing twice is a no-op');
});
