/** The shutdown state machine and signal handling, on a FakeClock (no sockets, no sleeps). */
import { EventEmitter } from 'node:events';
import t from 'tap';
import { FakeClock } from '../sip-engine/util/clock.js';
import { CaptureLogger } from '../test-support/capture-logger.js';
import { waitFor } from '../test-support/wait.js';
import { IllegalShutdownTransitionError } from './errors.js';
import { handleShutdownSignals, nextShutdownState, Shutdown, SHUTDOWN_PHASES } from './shutdown.js';
import type { ShutdownHooks, ShutdownPhase, ShutdownState } from './shutdown.js';

const never = (): Promise<void> => new Promise<void>(() => undefined);

t.test('transitions: only the next phase, never back or skipping', (t) => {
  let s: ShutdownState = 'running';
  for (const phase of [...SHUTDOWN_PHASES, 'stopped'] as const) s = nextShutdownState(s, phase);
  t.equal(s, 'stopped');
  t.throws(() => nextShutdownState('running', 'drain-calls'), IllegalShutdownTransitionError);
  t.throws(() => nextShutdownState('close-http', 'stop-admitting'), { code: 'illegal-transition' });
  t.throws(() => nextShutdownState('stopped', 'running'), { code: 'illegal-transition' });
  t.throws(() => nextShutdownState('drain-bus', 'drain-bus'), { code: 'illegal-transition' });
  t.end();
});

t.test('runs every hook once, in order; missing hooks are skipped', async (t) => {
  const ran: ShutdownPhase[] = [];
  const states: ShutdownState[] = [];
  const hooks: ShutdownHooks = {};
  const shutdown = new Shutdown({ hooks, clock: new FakeClock() });
  for (const phase of SHUTDOWN_PHASES) {
    if (phase === 'terminate-subscriptions') continue;
    hooks[phase] = () => {
      ran.push(phase);
      states.push(shutdown.state);
    };
  }
  const first = shutdown.run('test');
  const second = shutdown.run('again');
  const report = await first;
  t.equal(await second, report, 'a second run gets the same report');
  t.same(
    ran,
    SHUTDOWN_PHASES.filter((p) => p !== 'terminate-subscriptions'),
  );
  t.same(states, ran, 'state is the phase while its hook runs');
  t.equal(shutdown.state, 'stopped');
  t.equal(report.reason, 'test');
  t.ok(report.clean);
  t.equal(report.phases.find((p) => p.phase === 'terminate-subscriptions')?.outcome, 'skipped');
});

t.test('a failing or hanging phase is reported and later phases still run', async (t) => {
  const clock = new FakeClock();
  const logger = new CaptureLogger();
  const ran: string[] = [];
  const shutdown = new Shutdown({
    clock,
    logger,
    hooks: {
      'drain-calls': never,
      'close-http': () => {
        throw new Error('boom', { cause: new Error('socket gone') });
      },
      'close-database': () => void ran.push('db'),
    },
    phaseTimeoutsMs: { 'drain-calls': 2000 },
  });
  const done = shutdown.run('test');
  await waitFor(() => shutdown.state === 'drain-calls' && clock.pending > 0, { timeoutMs: 2000 });
  clock.advance(1999);
  t.equal(shutdown.state, 'drain-calls', 'still waiting at 1999 ms');
  clock.advance(1);
  const report = await done;
  t.same(ran, ['db'], 'the database is still closed');
  t.notOk(report.clean);
  t.match(
    report.phases.find((p) => p.phase === 'drain-calls'),
    { outcome: 'timed-out', ms: 2000 },
  );
  t.match(
    report.phases.find((p) => p.phase === 'close-http'),
    { outcome: 'failed', error: 'boom: socket gone' },
  );
  t.equal(logger.withMsg('shutdown phase timed out; moving on').length, 1);
  t.equal(logger.withMsg('shutdown phase failed; moving on').length, 1);
  t.equal(clock.pending, 0, 'no timer left behind');
});

t.test('the budget caps each phase; a phase past the budget still gets the minimum slice', async (t) => {
  const clock = new FakeClock();
  const timeouts: number[] = [];
  const logger = new CaptureLogger();
  logger.events.on('log', (e: { obj: { timeoutMs?: number } }) => {
    if (e.obj.timeoutMs !== undefined) timeouts.push(e.obj.timeoutMs);
  });
  const shutdown = new Shutdown({
    clock,
    logger,
    budgetMs: 1500,
    minPhaseMs: 100,
    hooks: { 'stop-admitting': never, 'drain-calls': never, 'stop-engine': never },
  });
  const done = shutdown.run('test');
  // stop-admitting: min(1000, 1500); drain-calls: min(1500, 500 left); stop-engine: past budget → 100.
  const expected = [
    ['stop-admitting', 1000],
    ['drain-calls', 500],
    ['stop-engine', 100],
  ] as const;
  for (const [phase, ms] of expected) {
    await waitFor(() => shutdown.state === phase && clock.pending > 0, { timeoutMs: 2000, what: phase });
    clock.advance(ms - 1);
    t.equal(shutdown.state, phase, `${phase} still running at ${ms - 1} ms`);
    clock.advance(1);
  }
  const report = await done;
  t.same(timeouts, [1000, 500, 100]);
  t.equal(report.totalMs, 1600);
});

t.test('signals: the first starts the shutdown, the second forces exit; remove() detaches', (t) => {
  const source = new EventEmitter();
  const clock = new FakeClock();
  const calls: string[] = [];
  const remove = handleShutdownSignals({
    source,
    clock,
    onFirst: (s) => calls.push(`stop:${s}`),
    forceExit: (s) => calls.push(`force:${s}`),
  });
  source.emit('SIGTERM', 'SIGTERM');
  t.same(calls, ['stop:SIGTERM']);
  clock.advance(499);
  source.emit('SIGINT', 'SIGINT');
  t.same(calls, ['stop:SIGTERM'], 'within 500 ms: the same request delivered twice (npm forwards Ctrl-C)');
  clock.advance(1);
  source.emit('SIGINT', 'SIGINT');
  t.same(calls, ['stop:SIGTERM', 'force:SIGINT']);
  remove();
  t.equal(source.listenerCount('SIGTERM') + source.listenerCount('SIGINT'), 0);
  t.end();
});
