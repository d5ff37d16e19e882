/**
 * Types of the agent state machine (see agent.ts for the transition function).
 *
 * An agent has a MODE chosen at the desktop (or forced by the machine) and a list of WORK ITEMS,
 * each on one channel and each with its own small lifecycle:
 *
 *   mode:       logged-out ──log-in──▶ ready ◀──set-ready / set-not-ready──▶ not-ready(reason)
 *                    ▲                   │  n-th consecutive no-answer ──▶ not-ready("no-answer")
 *                    └──────log-out──────┘  presence idle ──────────────▶ not-ready("inactive")
 *
 *   work item:  (offer) ─▶ reserved ──accepted──▶ on-call ──call-ended / reconcile──▶ wrap-up ─▶ (gone)
 *                            │  declined / withdrawn / unanswered / timer            │ timer, done,
 *                            └──────────────────────▶ (gone)                          │ extend (bounded)
 *               (call-started) ─────────────────────▶ on-call                          └─▶ (gone)
 *
 * Every reserved and wrap-up item owns exactly one running timer (design §6: a timer on every
 * transient state), so nothing can stay reserved or in wrap-up forever; on-call items end with the
 * call, or by reconciliation against the live dialogs when a BYE was lost. A channel never holds
 * more items than its capacity (voice 1, chat N).
 *
 * Times are milliseconds from the injected clock's `now()`; timers are effects the caller runs.
 */

export const CHANNELS = ['voice', 'chat'] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(s: string): s is Channel {
  return (CHANNELS as readonly string[]).includes(s);
}

export interface AgentConfig {
  /** Simultaneous work items per channel (0 disables the channel). */
  readonly capacity: Readonly<Record<Channel, number>>;
  /** Wrap-up after each call; 0 means none. */
  readonly wrapUpMs: number;
  /** Longest wrap-up including the agent's extensions. */
  readonly maxWrapUpMs: number;
  /** Consecutive unanswered offers before not-ready "no-answer"; 0 never pauses. */
  readonly maxConsecutiveNoAnswers: number;
}

export const defaultAgentConfig: AgentConfig = Object.freeze({
  capacity: Object.freeze({ voice: 1, chat: 3 }),
  wrapUpMs: 30_000,
  maxWrapUpMs: 300_000,
  maxConsecutiveNoAnswers: 3,
});

export type AgentMode = 'logged-out' | 'ready' | 'not-ready';

export interface ReservedItem {
  readonly state: 'reserved';
  readonly channel: Channel;
  readonly offerId: string;
  readonly deadlineMs: number;
  readonly timerId: string;
  /** The queue's wrap-up for this call, overriding the agent's (`AgentConfig.wrapUpMs`). */
  readonly wrapUpMs?: number;
}

export interface OnCallItem {
  readonly state: 'on-call';
  readonly channel: Channel;
  readonly callId: string;
  readonly offerId?: string;
  readonly sinceMs: number;
  /** Carried from the offer: the wrap-up this call ends in (else the agent's). */
  readonly wrapUpMs?: number;
}

export interface WrapUpItem {
  readonly state: 'wrap-up';
  readonly channel: Channel;
  readonly callId: string;
  readonly startedMs: number;
  readonly deadlineMs: number;
  readonly timerId: string;
}

export type WorkItem = ReservedItem | OnCallItem | WrapUpItem;
export type WorkState = WorkItem['state'];

/** What the presence policy last said (presence/policy/availability.ts). */
export interface PresenceState {
  readonly available: boolean;
  readonly reason?: string;
}

export interface Agent {
  readonly id: string;
  /** +1 per accepted event: the single writer's optimistic-concurrency token. */
  readonly version: number;
  readonly config: AgentConfig;
  readonly mode: AgentMode;
  readonly notReadyReason?: string;
  readonly work: readonly WorkItem[];
  readonly noAnswerCount: number;
  readonly presence: PresenceState;
  /** Registered SIP contacts (bindings) of the agent's AORs. */
  readonly registeredDevices: number;
  readonly nextTimerSeq: number;
}

/** One word for dashboards and rows: the mode, or the busiest work state. */
export type AgentStatus = 'logged-out' | 'not-ready' | 'ready' | 'reserved' | 'on-call' | 'wrap-up';

export type AgentEvent =
  | { readonly type: 'log-in' }
  | { readonly type: 'log-out' }
  | { readonly type: 'set-ready' }
  | { readonly type: 'set-not-ready'; readonly reason: string }
  | {
      readonly type: 'offer';
      readonly offerId: string;
      readonly channel: Channel;
      readonly timeoutMs: number;
      /** The queue's wrap-up (0 = none) instead of the agent's, applied when this call ends. */
      readonly wrapUpMs?: number;
    }
  | { readonly type: 'offer-accepted'; readonly offerId: string; readonly callId: string }
  | { readonly type: 'offer-declined'; readonly offerId: string }
  | { readonly type: 'offer-unanswered'; readonly offerId: string }
  | { readonly type: 'offer-withdrawn'; readonly offerId: string }
  | { readonly type: 'call-started'; readonly callId: string; readonly channel: Channel }
  | { readonly type: 'call-ended'; readonly callId: string }
  | { readonly type: 'wrap-up-extend'; readonly callId: string; readonly extendMs: number }
  | { readonly type: 'wrap-up-done'; readonly callId: string }
  | { readonly type: 'timer-fired'; readonly timerId: string }
  | { readonly type: 'presence-changed'; readonly available: boolean; readonly reason?: string }
  | { readonly type: 'devices-changed'; readonly registered: number }
  | { readonly type: 'reconcile'; readonly liveCallIds: readonly string[] };

export type AgentEventType = AgentEvent['type'];

/** The bus event and history row of one accepted transition. */
export interface AgentTransitionRecord {
  readonly type: 'agent.transition';
  readonly agentId: string;
  readonly version: number;
  readonly atMs: number;
  readonly cause: AgentEvent;
  readonly from: AgentStatus;
  readonly to: AgentStatus;
  readonly mode: AgentMode;
  readonly notReadyReason?: string;
}

export type AgentEffect =
  | { readonly type: 'start-timer'; readonly timerId: string; readonly atMs: number }
  | { readonly type: 'cancel-timer'; readonly timerId: string }
  /** The machine ended a reservation by itself: stop ringing the agent and re-queue the call. */
  | { readonly type: 'revoke-offer'; readonly offerId: string; readonly reason: 'timeout' | 'logged-out' }
  | { readonly type: 'emit'; readonly event: AgentTransitionRecord };

export type IllegalTransitionCode =
  | 'not-logged-in'
  | 'already-logged-in'
  | 'calls-in-progress'
  | 'no-change'
  | 'not-available'
  | 'capacity-exceeded'
  | 'unknown-channel'
  | 'duplicate-offer'
  | 'unknown-offer'
  | 'duplicate-call'
  | 'unknown-call'
  | 'unknown-timer'
  | 'not-in-wrap-up'
  | 'wrap-up-limit'
  | 'invalid-event';

/** A refused event: a value, so callers decide (e.g. 'no-change' and 'unknown-timer' are benign). */
export interface IllegalTransition {
  readonly ok: false;
  readonly code: IllegalTransitionCode;
  readonly agentId: string;
  readonly status: AgentStatus;
  readonly event: AgentEventType;
  readonly message: string;
}

export interface AcceptedTransition {
  readonly ok: true;
  readonly agent: Agent;
  readonly effects: readonly AgentEffect[];
}

export type TransitionResult = AcceptedTransition | IllegalTransition;

/** For callers that must throw (e.g. an HTTP handler mapping it to 409). */
export class AgentTransitionError extends Error {
  override readonly name = 'AgentTransitionError';
  readonly code = 'illegal-transition';
  readonly reason: IllegalTransitionCode;
  readonly illegal: IllegalTransition;

  constructor(illegal: IllegalTransition, options?: { cause?: unknown }) {
    super(illegal.message, options);
    this.reason = illegal.code;
    this.illegal = illegal;
  }
}
