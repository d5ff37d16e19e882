/**
 * What a queued caller is being played (pure; the SIP side plays what the state says). ONE
 * transition function:
 *
 *   starting ──music──▶ music ──announce──▶ announcing ──prompt──▶ announcing (next prompt)
 *                         ▲                      │
 *                         └──────music───────────┘   (after the last prompt)
 *   any but stopped ──stop──▶ stopped               (agent answered, caller gone, call over)
 */
export type HoldState = 'starting' | 'music' | 'announcing' | 'stopped';

export type HoldEvent =
  | { readonly type: 'music' }
  | { readonly type: 'announce'; readonly prompts: readonly string[] }
  | { readonly type: 'prompt' }
  | { readonly type: 'stop' };

export interface HoldProgram {
  readonly state: HoldState;
  /** Prompts still to play while announcing (the first is playing). */
  readonly queue: readonly string[];
}

export type HoldTransition =
  | { readonly ok: true; readonly program: HoldProgram }
  | { readonly ok: false; readonly code: 'illegal-state'; readonly message: string };

const MOVES: Readonly<Record<HoldState, readonly HoldEvent['type'][]>> = {
  starting: ['music', 'stop'],
  music: ['announce', 'stop'],
  announcing: ['prompt', 'music', 'stop'],
  stopped: [],
};

export const newHoldProgram = (): HoldProgram => ({ state: 'starting', queue: [] });

export function transitionHold(p: HoldProgram, e: HoldEvent): HoldTransition {
  const illegal = !MOVES[p.state].includes(e.type) || (e.type === 'announce' && e.prompts.length === 0);
  if (illegal) return { ok: false, code: 'illegal-state', message: `hold: ${e.type} in ${p.state}` };
  switch (e.type) {
    case 'music':
      return { ok: true, program: { state: 'music', queue: [] } };
    case 'announce':
      return { ok: true, program: { state: 'announcing', queue: [...e.prompts] } };
    case 'prompt':
      return p.queue.length > 1
        ? { ok: true, program: { state: 'announcing', queue: p.queue.slice(1) } }
        : { ok: false, code: 'illegal-state', message: 'hold: no prompt left' };
    case 'stop':
      return { ok: true, program: { state: 'stopped', queue: [] } };
  }
}
