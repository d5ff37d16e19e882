import t from 'tap';
import { newHoldProgram, transitionHold } from './hold-program.js';
import type { HoldEvent, HoldProgram } from './hold-program.js';

const run = (events: HoldEvent[]): HoldProgram => {
  let p = newHoldProgram();
  for (const e of events) {
    const r = transitionHold(p, e);
    if (!r.ok) throw new Error(r.message);
    p = r.program;
  }
  return p;
};

t.test('music, an announcement of two prompts, music again, stop', (t) => {
  t.same(run([{ type: 'music' }]), { state: 'music', queue: [] });
  const a = run([{ type: 'music' }, { type: 'announce', prompts: ['x', 'y'] }]);
  t.same(a, { state: 'announcing', queue: ['x', 'y'] });
  t.same(transitionHold(a, { type: 'prompt' }), { ok: true, program: { state: 'announcing', queue: ['y'] } });
  t.same(
    run([{ type: 'music' }, { type: 'announce', prompts: ['x'] }, { type: 'music' }, { type: 'stop' }]),
    {
      state: 'stopped',
      queue: [],
    },
  );
  t.end();
});

t.test('illegal moves are refused', (t) => {
  const start = newHoldProgram();
  t.match(transitionHold(start, { type: 'announce', prompts: ['x'] }), { ok: false, code: 'illegal-state' });
  t.match(transitionHold(start, { type: 'prompt' }), { ok: false });
  const music = run([{ type: 'music' }]);
  t.match(transitionHold(music, { type: 'announce', prompts: [] }), { ok: false }, 'empty announcement');
  t.match(
    transitionHold(run([{ type: 'music' }, { type: 'announce', prompts: ['x'] }]), { type: 'prompt' }),
    {
      ok: false,
    },
    'no prompt after the last',
  );
  const stopped = run([{ type: 'stop' }]);
  for (const type of ['music', 'prompt', 'stop'] as const)
    t.match(transitionHold(stopped, { type }), { ok: false }, `${type} after stop`);
  t.end();
});
