/**
 * The lifecycle of one inbound call as call control sees it (no SIP types, no I/O, time passed in).
 * ONE transition function; a refused event is a value and nothing changes.
 *
 *   arriving ──queued──▶ queued ──offering──▶ offering ──answered──▶ connected ──hangup──▶ ended
 *      │                   ▲                     │ offer-failed / offer-withdrawn  (back to queued)
 *      │                   └─────────────────────┘
 *      │                 queued ──overflow──▶ overflowing ──answered──▶ connected
 *      │                                         │ overflow-failed ──▶ ended (overflowed)
 *      ├──refused──▶ ended (rejected)            queued ──requeued──▶ queued (another queue)
 *   any live state ──caller-gone──▶ ended (abandoned; completed once connected)
 *   any live state ──failed──▶ ended (failed);  queued ──refused──▶ ended (rejected | timed-out)
 *
 * `ended` is terminal and carries the outcome the bus contract names (infra/bus/call-events.ts).
 */
export type CallState = 'arriving' | 'queued' | 'offering' | 'overflowing' | 'connected' | 'ended';

export type CallOutcome = 'completed' | 'abandoned' | 'rejected' | 'overflowed' | 'timed-out' | 'failed';
export type HungUpBy = 'caller' | 'agent' | 'system';

export interface Call {
  readonly id: string;
  readonly state: CallState;
  readonly version: number;
  readonly arrivedMs: number;
  readonly queueId?: string;
  /** When the caller joined its current queue (wait is measured from the first queue). */
  readonly queuedMs?: number;
  readonly answeredMs?: number;
  readonly agentId?: string;
  readonly overflowTarget?: string;
  readonly endedMs?: number;
  readonly outcome?: CallOutcome;
  readonly status?: number;
  readonly hungUpBy?: HungUpBy;
}

export type CallEvent =
  | { readonly type: 'queued'; readonly queueId: string }
  | { readonly type: 'requeued'; readonly queueId: string }
  | { readonly type: 'offering' }
  | { readonly type: 'offer-ended' }
  | { readonly type: 'answered'; readonly agentId: string }
  | { readonly type: 'overflow'; readonly target: string }
  | { readonly type: 'overflow-answered' }
  | { readonly type: 'overflow-failed'; readonly status: number }
  /** `queueId`: the queue that refused a call on arrival (it never joined one). */
  | {
      readonly type: 'refused';
      readonly status: number;
      readonly timedOut?: boolean;
      readonly queueId?: string;
    }
  | { readonly type: 'caller-gone' }
  | { readonly type: 'hangup'; readonly by: HungUpBy }
  | { readonly type: 'failed'; readonly status?: number };

export type CallTransition =
  | { readonly ok: true; readonly call: Call }
  | { readonly ok: false; readonly code: 'illegal-state'; readonly message: string };

const LIVE: readonly CallState[] = ['arriving', 'queued', 'offering', 'overflowing', 'connected'];

const FROM: Readonly<Record<CallEvent['type'], readonly CallState[]>> = {
  queued: ['arriving'],
  requeued: ['queued'],
  offering: ['queued', 'arriving'],
  'offer-ended': ['offering'],
  answered: ['offering'],
  overflow: ['queued'],
  'overflow-answered': ['overflowing'],
  'overflow-failed': ['overflowing'],
  refused: ['arriving', 'queued'],
  'caller-gone': ['arriving', 'queued', 'offering', 'overflowing', 'connected'],
  hangup: ['connected'],
  failed: LIVE,
};

export function newCall(id: string, arrivedMs: number): Call {
  return { id, state: 'arriving', version: 0, arrivedMs };
}

function end(call: Call, nowMs: number, outcome: CallOutcome, extra: Partial<Call> = {}): Call {
  return { ...call, ...extra, state: 'ended', endedMs: nowMs, outcome };
}

function step(call: Call, e: CallEvent, nowMs: number): Call {
  switch (e.type) {
    case 'queued':
      return { ...call, state: 'queued', queueId: e.queueId, queuedMs: nowMs };
    case 'requeued':
      return { ...call, state: 'queued', queueId: e.queueId };
    case 'offering':
      return { ...call, state: 'offering' };
    case 'offer-ended':
      return { ...call, state: 'queued' };
    case 'answered':
      return { ...call, state: 'connected', agentId: e.agentId, answeredMs: nowMs };
    case 'overflow':
      return { ...call, state: 'overflowing', overflowTarget: e.target };
    case 'overflow-answered':
      return { ...call, state: 'connected', answeredMs: nowMs };
    case 'overflow-failed':
      return end(call, nowMs, 'overflowed', { status: e.status, hungUpBy: 'system' });
    case 'refused':
      return end(call, nowMs, e.timedOut === true ? 'timed-out' : 'rejected', {
        status: e.status,
        hungUpBy: 'system',
        ...(call.queueId === undefined && e.queueId !== undefined ? { queueId: e.queueId } : {}),
      });
    case 'caller-gone':
      return call.state === 'connected'
        ? end(call, nowMs, 'completed', { hungUpBy: 'caller' })
        : end(call, nowMs, 'abandoned', { hungUpBy: 'caller' });
    case 'hangup':
      return end(call, nowMs, 'completed', { hungUpBy: e.by });
    case 'failed':
      return end(call, nowMs, 'failed', {
        hungUpBy: 'system',
        ...(e.status !== undefined ? { status: e.status } : {}),
      });
  }
}

export function transitionCall(call: Call, event: CallEvent, nowMs: number): CallTransition {
  if (!FROM[event.type].includes(call.state)) {
    return {
      ok: false,
      code: 'illegal-state',
      message: `call ${call.id}: '${event.type}' refused in ${call.state}`,
    };
  }
  return { ok: true, call: { ...step(call, event, nowMs), version: call.version + 1 } };
}

/** Milliseconds the caller waited before an answer (or until now / the end). */
export function waitMs(call: Call, nowMs: number): number {
  const until = call.answeredMs ?? call.endedMs ?? nowMs;
  return Math.max(0, Math.round(until - (call.queuedMs ?? call.arrivedMs)));
}
