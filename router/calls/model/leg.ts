/**
 * The lifecycle of one outgoing INVITE leg (to one agent device or one overflow target). Pure: the
 * SIP layer feeds it what happened and does what the new state says. ONE transition function.
 *
 *   inviting ──provisional──▶ early
 *   inviting | early ──answered──▶ answered ──hangup──▶ ended
 *   inviting | early ──rejected──▶ failed                     (a final non-2xx, or no transaction)
 *   inviting | early ──cancel──▶ cancelling ──rejected──▶ ended   (487 after our CANCEL)
 *   cancelling ──answered──▶ discarding ──hangup──▶ ended      (2xx raced our CANCEL: RFC 3261 §9.1,
 *                                                                the UAC ACKs and then sends BYE)
 *   answered ──discard──▶ discarding                         (a 2xx after another leg won)
 */
export type LegState = 'inviting' | 'early' | 'answered' | 'cancelling' | 'discarding' | 'failed' | 'ended';

export type LegEvent =
  | { readonly type: 'provisional' }
  | { readonly type: 'answered' }
  | { readonly type: 'rejected'; readonly status: number }
  | { readonly type: 'cancel' }
  | { readonly type: 'discard' }
  | { readonly type: 'hangup' };

export interface Leg {
  readonly state: LegState;
  readonly status?: number;
}

export type LegTransition =
  | { readonly ok: true; readonly leg: Leg }
  | { readonly ok: false; readonly code: 'illegal-state'; readonly message: string };

const MOVES: Readonly<Record<LegState, Partial<Record<LegEvent['type'], LegState>>>> = {
  inviting: { provisional: 'early', answered: 'answered', rejected: 'failed', cancel: 'cancelling' },
  early: { provisional: 'early', answered: 'answered', rejected: 'failed', cancel: 'cancelling' },
  cancelling: { answered: 'discarding', rejected: 'ended', hangup: 'ended' },
  answered: { hangup: 'ended', discard: 'discarding' },
  discarding: { hangup: 'ended' },
  failed: {},
  ended: {},
};

export const NEW_LEG: Leg = Object.freeze({ state: 'inviting' });

export function transitionLeg(leg: Leg, event: LegEvent): LegTransition {
  const to = MOVES[leg.state][event.type];
  if (to === undefined) {
    return { ok: false, code: 'illegal-state', message: `leg: '${event.type}' refused in ${leg.state}` };
  }
  return { ok: true, leg: event.type === 'rejected' ? { state: to, status: event.status } : { state: to } };
}

/** Still ringing: a CANCEL would stop it. */
export function isPending(leg: Leg): boolean {
  return leg.state === 'inviting' || leg.state === 'early';
}
