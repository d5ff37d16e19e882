/**
 * The lifecycle of one agent dialog as busy lamps see it (RFC 4235 §3.7.1, the dialog FSM seen
 * from the agent, the recipient of patchbay's offer):
 *
 * ```
 *  offered ──▶ early ── answered ──▶ confirmed
 *                │                       │
 *                └──── ended ──▶ terminated ◀── ended
 * ```
 * `early` (RFC 4235 §3.7.1: a provisional response, the agent's phones ring) starts with the offer;
 * `confirmed` with the answer; `terminated` lingers for a while so watchers see it, then the dialog
 * is removed. A move not in the table is refused as a value (duplicates and late events arrive on a
 * bus, so they are expected outcomes, never exceptions).
 */
import type { DialogStateEvent } from '../../codecs/dialog-info.js';

export type AgentDialogState = 'early' | 'confirmed' | 'terminated';

/** Why a dialog ended, in RFC 4235 §4.1.2 terms (no `event` when patchbay does not know). */
export interface DialogEnd {
  readonly event?: DialogStateEvent;
  /** RFC 4235 §4.1.2 `code`: the final response of a rejected dialog. */
  readonly code?: number;
}

export type DialogMove = { readonly type: 'answer' } | ({ readonly type: 'end' } & DialogEnd);

export type DialogMoveResult =
  | { readonly ok: true; readonly state: AgentDialogState }
  | { readonly ok: false; readonly code: 'illegal-dialog-move'; readonly from: AgentDialogState };

const MOVES: Readonly<Record<AgentDialogState, Partial<Record<DialogMove['type'], AgentDialogState>>>> = {
  early: { answer: 'confirmed', end: 'terminated' },
  confirmed: { end: 'terminated' },
  terminated: {},
};

/** The one transition function of a dialog. */
export function dialogMove(state: AgentDialogState, move: DialogMove): DialogMoveResult {
  const next = MOVES[state][move.type];
  return next === undefined
    ? { ok: false, code: 'illegal-dialog-move', from: state }
    : { ok: true, state: next };
}
