/**
 * Property-based test of the subscription state machine (design §6): any sequence of server
 * answers, NOTIFYs (good, bad, terminating), refresh outcomes and elapsed time keeps the
 * invariants — no illegal move is attempted, every transient state owns exactly one timer,
 * at most one dialog is held open, and a terminated subscription never sends again.
 */
import fc from 'fast-check';
import t from 'tap';
import { flush, pidfBody, presenceNotify } from '../../test-support/fake-subscription-transport.js';
import { WATCHED_URI, watcherWorld } from '../../test-support/presence-watcher-world.js';
import type { WatcherWorld } from '../../test-support/presence-watcher-world.js';
import { isTransient } from './model/subscription-fsm.js';

const STATES = [
  'active;expires=3600',
  'active;expires=30',
  'active',
  'pending;expires=600',
  'terminated;reason=deactivated',
  'terminated;reason=timeout',
  'terminated;reason=probation;retry-after=20',
  'terminated;reason=giveup',
  'terminated;reason=rejected',
  'terminated;reason=noresource',
  'terminated;reason=invariant',
  'terminated',
];
const STATUSES = [0, 403, 404, 408, 423, 481, 489, 500, 503];

type Action =
  | { kind: 'accept'; expiresS: number | undefined }
  | { kind: 'fail'; status: number }
  | { kind: 'notify'; state: string; body: 'open' | 'closed' | 'none' | 'bad' }
  | { kind: 'refresh-ok'; expiresS: number }
  | { kind: 'refresh-fail'; status: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'stop' };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('accept' as const),
    expiresS: fc.option(fc.integer({ min: 1, max: 7200 }), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('fail' as const), status: fc.constantFrom(...STATUSES) }),
  fc.record({
    kind: fc.constant('notify' as const),
    state: fc.constantFrom(...STATES),
    body: fc.constantFrom('open' as const, 'closed' as const, 'none' as const, 'bad' as const),
  }),
  fc.record({ kind: fc.constant('refresh-ok' as const), expiresS: fc.integer({ min: 1, max: 7200 }) }),
  fc.record({ kind: fc.constant('refresh-fail' as const), status: fc.constantFrom(...STATUSES) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 4_000_000 }) }),
  fc.constant({ kind: 'stop' as const }),
);

function bodyOf(b: 'open' | 'closed' | 'none' | 'bad'): string {
  if (b === 'none') return '';
  return b === 'bad' ? '<presence><unclosed>' : pidfBody(b);
}

async function apply(w: WatcherWorld, a: Action): Promise<void> {
  const attempt = w.transport.attempts.at(-1);
  const dialog = attempt?.dialog;
  switch (a.kind) {
    case 'accept':
      if (attempt && !attempt.answered) attempt.accept(a.expiresS);
      break;
    case 'fail':
      if (attempt && !attempt.answered) attempt.fail(a.status, a.status === 423 ? { minExpiresS: 7200 } : {});
      break;
    case 'notify':
      // Through the dialog once there is one (a closed dialog gets nothing), before the 2xx straight in.
      if (dialog) dialog.notify(presenceNotify(a.state, bodyOf(a.body)));
      else attempt?.onNotify(presenceNotify(a.state, bodyOf(a.body)));
      break;
    case 'refresh-ok':
      if (dialog?.refreshPending) dialog.answerRefresh({ ok: true, expiresS: a.expiresS });
      break;
    case 'refresh-fail':
      if (dialog?.refreshPending)
        dialog.answerRefresh({ ok: false, failure: { status: a.status, reason: 'x' } });
      break;
    case 'advance':
      w.clock.advance(a.ms);
      break;
    case 'stop':
      await w.watcher.stop();
      break;
  }
  await flush();
}

function openDialogs(w: WatcherWorld): number {
  return w.transport.attempts.filter((x) => x.dialog && !x.dialog.closed).length;
}

t.test('invariants hold under any sequence of events', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(action, { maxLength: 40 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      async (actions, r) => {
        const w = watcherWorld(r, { notifyWaitMs: 32000 });
        w.watcher.watch([WATCHED_URI]);
        for (const a of actions) {
          await apply(w, a);
          const s = w.watcher.state(WATCHED_URI);
          const timers = s === undefined ? 0 : isTransient(s) ? 1 : 0;
          if (w.clock.pending !== timers)
            throw new Error(`state ${String(s)} with ${w.clock.pending} timers after ${a.kind}`);
          if (openDialogs(w) > 1) throw new Error(`${openDialogs(w)} open dialogs after ${a.kind}`);
        }
        const s = w.watcher.state(WATCHED_URI);
        if (s === 'terminated' || s === undefined) {
          const sent = w.transport.attempts.length;
          w.clock.advance(10 * 24 * 3600 * 1000);
          await flush();
          if (w.transport.attempts.length !== sent) throw new Error('terminated subscription sent SUBSCRIBE');
        }
      },
    ),
    { numRuns: 300 },
  );
  t.pass('300 random runs kept the invariants');
});
