import t from 'tap';
import { dialogMove } from './dialog.js';
import type { AgentDialogState, DialogMove } from './dialog.js';

const MOVES: DialogMove[] = [{ type: 'answer' }, { type: 'end', event: 'remote-bye' }];
const ALLOWED: Record<AgentDialogState, Partial<Record<DialogMove['type'], AgentDialogState>>> = {
  early: { answer: 'confirmed', end: 'terminated' },
  confirmed: { end: 'terminated' },
  terminated: {},
};

t.test('every (state, move) pair: the RFC 4235 §3.7.1 move, or a refusal naming the state', (t) => {
  for (const state of Object.keys(ALLOWED) as AgentDialogState[]) {
    for (const move of MOVES) {
      const expected = ALLOWED[state][move.type];
      const result = dialogMove(state, move);
      if (expected === undefined) t.same(result, { ok: false, code: 'illegal-dialog-move', from: state });
      else t.same(result, { ok: true, state: expected }, `${state} --${move.type}--> ${expected}`);
    }
  }
  t.end();
});
