/**
 * The connection's idle policy with a FakeClock: short limit until a SIP message has been delivered
 * and for a partially received message, long limit for established connections.
 */
import fc from 'fast-check';
import t from 'tap';
import { FakeClock } from '../util/clock.js';
import { Connection } from './connection.js';
import type { CloseReason } from './connection.js';

const IDLE_MS = 1000;
const ESTABLISHED_MS = 60_000;

interface Probe {
  conn: Connection;
  closedAt: number[];
  reasons: CloseReason[];
  /** The `abort` flag of each carrier close (false = polite WebSocket close frame). */
  aborts: boolean[];
}

function open(clock: FakeClock, establishedIdleTimeoutMs = ESTABLISHED_MS): Probe {
  const closedAt: number[] = [];
  const reasons: CloseReason[] = [];
  const aborts: boolean[] = [];
  const conn = new Connection({
    id: 'tcp-9',
    protocol: 'tcp',
    direction: 'inbound',
    remote: { address: '127.0.0.1', port: 5000 },
    local: { protocol: 'tcp', address: '127.0.0.1', port: 5060 },
    clock,
    idleTimeoutMs: IDLE_MS,
    establishedIdleTimeoutMs,
    maxBacklogBytes: 100,
    onClosed: (_c, reason) => {
      closedAt.push(clock.now());
      reasons.push(reason);
    },
  });
  conn.attach({
    write: (_d, done) => done(),
    backlogBytes: 0,
    close: (abort) => {
      aborts.push(abort);
      conn.carrierGone();
    },
  });
  return { conn, closedAt, reasons, aborts };
}

t.test('a delivered SIP message moves the connection to the long limit', (t) => {
  const clock = new FakeClock();
  const p = open(clock);
  clock.advance(500);
  p.conn.messageReceived(true);
  t.ok(p.conn.established);
  clock.advance(ESTABLISHED_MS - 1);
  t.equal(p.conn.state, 'open', 'silent for longer than idleTimeoutMs, still open');
  clock.advance(1);
  t.same(p.reasons, ['idle']);
  t.same(p.closedAt, [500 + ESTABLISHED_MS], 'closed exactly establishedIdleTimeoutMs after the message');
  t.same(p.aborts, [false], 'politely');
  t.equal(clock.pending, 0);
  t.end();
});

t.test('keepalives and sends postpone the long limit', async (t) => {
  const clock = new FakeClock();
  const p = open(clock);
  p.conn.messageReceived(true);
  clock.advance(50_000);
  p.conn.touch();
  clock.advance(50_000);
  await p.conn.send(Buffer.from('NOTIFY'));
  clock.advance(ESTABLISHED_MS - 1);
  t.equal(p.conn.state, 'open');
  clock.advance(1);
  t.same(p.closedAt, [100_000 + ESTABLISHED_MS]);
});

t.test('unparseable or dropped messages do not establish the connection', (t) => {
  const clock = new FakeClock();
  const p = open(clock);
  p.conn.messageReceived(false);
  t.notOk(p.conn.established);
  clock.advance(IDLE_MS);
  t.same(p.reasons, ['idle'], 'the short limit still applies');
  t.end();
});

t.test('a message started on an established connection must finish within idleTimeoutMs', (t) => {
  const clock = new FakeClock();
  const p = open(clock);
  p.conn.messageReceived(true);
  clock.advance(30_000);
  p.conn.receiving(true);
  clock.advance(IDLE_MS - 1);
  p.conn.receiving(true); // more bytes of the same message do not extend it
  t.equal(p.conn.state, 'open');
  clock.advance(1);
  t.same(p.closedAt, [30_000 + IDLE_MS], 'the long timer was re-armed to the short deadline');
  t.same(p.aborts, [true], 'a sender stuck mid-message gets no close handshake');
  t.equal(clock.pending, 0);
  t.end();
});

t.test('a finished message restores the long limit', (t) => {
  const clock = new FakeClock();
  const p = open(clock);
  p.conn.messageReceived(true);
  p.conn.receiving(true);
  clock.advance(IDLE_MS - 1);
  p.conn.messageReceived(true);
  p.conn.receiving(false);
  clock.advance(ESTABLISHED_MS - 1);
  t.equal(p.conn.state, 'open');
  clock.advance(1);
  t.same(p.closedAt, [IDLE_MS - 1 + ESTABLISHED_MS]);
  t.end();
});

t.test('before the first message a partial one does not extend the short limit', (t) => {
  const clock = new FakeClock();
  const p = open(clock);
  clock.advance(900);
  p.conn.receiving(true);
  clock.advance(100);
  t.same(p.closedAt, [IDLE_MS], 'closed idleTimeoutMs after opening');
  t.end();
});

t.test('establishedIdleTimeoutMs below idleTimeoutMs is raised to it', (t) => {
  const clock = new FakeClock();
  const p = open(clock, 10);
  p.conn.messageReceived(true);
  clock.advance(IDLE_MS - 1);
  t.equal(p.conn.state, 'open');
  clock.advance(1);
  t.same(p.closedAt, [IDLE_MS]);
  t.end();
});

type Step =
  | { kind: 'advance'; ms: number }
  | { kind: 'touch' }
  | { kind: 'message'; accepted: boolean }
  | { kind: 'partial' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 70_000 }) }),
  fc.constant({ kind: 'touch' as const }),
  fc.record({ kind: fc.constant('message' as const), accepted: fc.boolean() }),
  fc.constant({ kind: 'partial' as const }),
);

/** The policy written declaratively: the time at which the connection counts as idle. */
class Model {
  last = 0;
  established = false;
  partialSince: number | undefined;
  deadline(): number {
    if (!this.established) return this.last + IDLE_MS;
    if (this.partialSince !== undefined) return this.partialSince + IDLE_MS;
    return this.last + ESTABLISHED_MS;
  }
}

function apply(step: Exclude<Step, { kind: 'advance' }>, p: Probe, m: Model, now: number): void {
  if (step.kind === 'touch') {
    p.conn.touch();
    m.last = now;
  } else if (step.kind === 'message') {
    p.conn.messageReceived(step.accepted);
    p.conn.receiving(false);
    m.last = now;
    m.partialSince = undefined;
    m.established ||= step.accepted;
  } else {
    p.conn.receiving(true);
    m.partialSince ??= now;
  }
}

t.test('property: closes exactly at the declarative deadline, with one timer at most', (t) => {
  fc.assert(
    fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
      const clock = new FakeClock();
      const p = open(clock);
      const m = new Model();
      for (const step of steps) {
        if (p.conn.state !== 'open') break;
        if (step.kind !== 'advance') {
          apply(step, p, m, clock.now());
          continue;
        }
        const due = m.deadline();
        const end = clock.now() + step.ms;
        clock.advance(step.ms);
        if (due <= end) {
          if (p.closedAt[0] !== due || p.reasons[0] !== 'idle') return false;
        } else if (p.conn.state !== 'open') return false;
        if (clock.pending > 1) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass('300 random event sequences agree with the model');
  t.end();
});
