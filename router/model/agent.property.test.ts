/**
 * Property tests of the agent state machine (design §6). A small simulated world drives the agent
 * with random event sequences — including lost BYEs, stale timers and nonsense events — runs the
 * timer effects, and checks after every step that:
 *  - the version grows by exactly one per accepted event and not at all otherwise;
 *  - no channel holds more items than its capacity; a logged-out agent holds nothing;
 *  - reserved items are exactly the offers the world still has ringing at the agent;
 *  - on-call items are live calls (or calls whose BYE was lost, until reconciliation);
 *  - running timers are exactly the timers of reserved and wrap-up items (every started timer is
 *    cancelled or fires; none is left behind), none overdue;
 *  - a ready agent has fewer consecutive no-answers than the pause threshold;
 * (offers carry a queue's wrap-up override or not), and that, finally, reconciling, hanging up and letting time pass always empties the agent.
 */
import fc from 'fast-check';
import t from 'tap';
import { World, step } from './agent-sim.js';
import type { Cmd } from './agent-sim.js';
import type { AgentConfig, AgentEvent, Channel } from './agent-types.js';

const channel = fc.constantFrom<Channel>('voice', 'chat');
const index = fc.nat(7);
const bogus: fc.Arbitrary<AgentEvent> = fc.oneof(
  fc.constant<AgentEvent>({ type: 'offer-accepted', offerId: 'ghost', callId: 'x' }),
  fc.constant<AgentEvent>({ type: 'call-ended', callId: 'never' }),
  fc.constant<AgentEvent>({ type: 'offer', offerId: 'o-bad', channel: 'chat', timeoutMs: -5 }),
  fc.constant<AgentEvent>({ type: 'devices-changed', registered: -1 }),
  fc.constant<AgentEvent>({ type: 'set-not-ready', reason: '' }),
);

const simple = (k: 'log-in' | 'log-out' | 'set-ready' | 'reconcile' | 'stale-timer'): fc.Arbitrary<Cmd> =>
  fc.constant({ k });
const indexed = (
  k: 'accept' | 'decline' | 'unanswered' | 'withdraw' | 'hangup' | 'lose-bye' | 'wrap-done',
): fc.Arbitrary<Cmd> => index.map((i) => ({ k, i }));

/** Weighted so that agents spend most of their time logged in, ready and busy. */
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { arbitrary: simple('log-in'), weight: 2 },
  { arbitrary: simple('log-out'), weight: 1 },
  { arbitrary: simple('set-ready'), weight: 3 },
  { arbitrary: simple('reconcile'), weight: 1 },
  { arbitrary: simple('stale-timer'), weight: 1 },
  {
    arbitrary: fc.constantFrom('lunch', 'break').map((reason): Cmd => ({ k: 'set-not-ready', reason })),
    weight: 1,
  },
  {
    arbitrary: fc
      .tuple(fc.constantFrom(true, true, false), fc.constantFrom(undefined, 'away', 'inactive'))
      .map(([available, reason]): Cmd =>
        reason === undefined || available
          ? { k: 'presence', available }
          : { k: 'presence', available, reason },
      ),
    weight: 1,
  },
  { arbitrary: fc.constantFrom(0, 1, 1, 2).map((n): Cmd => ({ k: 'devices', n })), weight: 1 },
  {
    arbitrary: fc
      .tuple(
        channel,
        fc.integer({ min: 1, max: 20_000 }),
        fc.constantFrom(undefined, undefined, 0, 2_000, 15_000),
      )
      .map(([ch, ms, wrapUpMs]): Cmd =>
        wrapUpMs === undefined
          ? { k: 'offer', channel: ch, timeoutMs: ms }
          : { k: 'offer', channel: ch, timeoutMs: ms, wrapUpMs },
      ),
    weight: 6,
  },
  { arbitrary: indexed('accept'), weight: 4 },
  { arbitrary: indexed('decline'), weight: 1 },
  { arbitrary: indexed('unanswered'), weight: 3 },
  { arbitrary: indexed('withdraw'), weight: 1 },
  { arbitrary: indexed('hangup'), weight: 3 },
  { arbitrary: indexed('lose-bye'), weight: 2 },
  { arbitrary: indexed('wrap-done'), weight: 1 },
  {
    arbitrary: fc
      .tuple(index, fc.integer({ min: 1, max: 20_000 }))
      .map(([i, ms]): Cmd => ({ k: 'extend', i, ms })),
    weight: 1,
  },
  { arbitrary: channel.map((ch): Cmd => ({ k: 'call-started', channel: ch })), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 15_000 }).map((ms): Cmd => ({ k: 'advance', ms })), weight: 3 },
  { arbitrary: bogus.map((event): Cmd => ({ k: 'bogus', event })), weight: 1 },
);

/** Half of the runs start from a logged-in agent with a registered phone. */
const WARM_START: readonly Cmd[] = [{ k: 'log-in' }, { k: 'devices', n: 1 }];

const config: fc.Arbitrary<AgentConfig> = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(0, 1_000, 5_000), fc.nat(3))
  .map(([chat, wrapUpMs, maxConsecutiveNoAnswers]) => ({
    capacity: { voice: 1, chat },
    wrapUpMs,
    maxWrapUpMs: 20_000,
    maxConsecutiveNoAnswers,
  }));

t.test('random event sequences keep every invariant, and everything eventually ends', (t) => {
  fc.assert(
    fc.property(
      config,
      fc.boolean(),
      fc.array(cmd, { minLength: 20, maxLength: 150, size: 'max' }),
      (cfg, warm, cmds) => {
        const w = new World(cfg);
        if (warm) for (const c of WARM_START) step(w, c);
        for (const c of cmds) step(w, c);
        // Eventually: reconcile the ghosts, hang up every live call, let every timer run out.
        step(w, { k: 'reconcile' });
        for (const callId of [...w.liveCalls]) step(w, { k: 'hangup', i: [...w.liveCalls].indexOf(callId) });
        w.advance(cfg.maxWrapUpMs + 20_000);
        if (w.agent.work.length > 0 || w.timers.size > 0 || w.liveOffers.size > 0)
          throw new Error('work left behind');
        if (w.agent.mode !== 'logged-out' && !w.send({ type: 'log-out' }).ok)
          throw new Error('cannot log out when idle');
        return true;
      },
    ),
    { numRuns: 300 },
  );
  t.pass('300 random sequences');
  t.end();
});
