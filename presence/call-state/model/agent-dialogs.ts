/**
 * Per-agent dialogs for the dialog event package (RFC 4235), folded from call facts: an offer
 * ringing → `early` (direction `recipient`, RFC 4235 §3.7.1 and §4.1.1), answered → `confirmed`,
 * ended → `terminated` (kept `lingerMs` so watchers see it, then removed by `sweep`).
 *
 * Facts come from a bus: they may repeat or arrive late. Each dialog only moves forward
 * (model/dialog.ts), and ended offers and calls are remembered for `memoryMs` (at most `maxMemory`
 * of them) so a late `call.offered` or `call.answered` cannot light a lamp that nothing turns off.
 * An agent whose state machine says it is idle has no live dialog (design §6: never stuck).
 *
 * Pure: time is passed in (`nowMs`), timers are the caller's (`nextSweepMs`).
 */
import type { DialogInfoDialog } from '../../codecs/dialog-info.js';
import type { CallFact, HungUpBy, OfferOutcome } from './call-facts.js';
import { dialogMove } from './dialog.js';
import type { AgentDialogState, DialogEnd, DialogMove } from './dialog.js';

export interface AgentDialogsOptions {
  /** How long a terminated dialog stays in the documents before it is removed. */
  readonly lingerMs: number;
  /** How long an ended offer or call is remembered against late or repeated facts. */
  readonly memoryMs: number;
  readonly maxMemory: number;
}

export const DEFAULT_AGENT_DIALOGS: AgentDialogsOptions = Object.freeze({
  lingerMs: 5_000,
  memoryMs: 10 * 60_000,
  maxMemory: 20_000,
});

interface Entry {
  readonly id: string;
  readonly callId: string;
  readonly offerId: string | undefined;
  state: AgentDialogState;
  end: DialogEnd | undefined;
  readonly startedMs: number;
  endedMs: number | undefined;
}

/** RFC 4235 §4.1.2: why an unanswered offer's early dialog ended, from the agent's side. */
function offerEnd(outcome: Exclude<OfferOutcome, 'answered'>, status: number | undefined): DialogEnd {
  switch (outcome) {
    case 'no-answer': // patchbay CANCELs the ringing devices at the ring timeout
    case 'cancelled':
      return { event: 'cancelled' };
    case 'declined':
    case 'busy':
      return status !== undefined ? { event: 'rejected', code: status } : { event: 'rejected' };
    case 'failed':
      return status !== undefined ? { event: 'error', code: status } : { event: 'error' };
  }
}

/** RFC 4235 §4.1.2: a ringing dialog ends `cancelled`; a connected one by whoever sent the BYE. */
function callEnd(state: AgentDialogState, hungUpBy: HungUpBy | undefined): DialogEnd {
  if (state === 'early') return { event: 'cancelled' };
  if (hungUpBy === 'agent') return { event: 'local-bye' };
  return hungUpBy === undefined ? {} : { event: 'remote-bye' };
}

export class AgentDialogs {
  readonly #o: AgentDialogsOptions;
  /** agent id → call id → its dialog with that agent. */
  readonly #agents = new Map<string, Map<string, Entry>>();
  /** call id → agents holding a dialog of it. */
  readonly #byCall = new Map<string, Set<string>>();
  /** `offer:<id>` / `call:<id>` → when it ended (insertion order = age). */
  readonly #ended = new Map<string, number>();

  constructor(options: AgentDialogsOptions = DEFAULT_AGENT_DIALOGS) {
    this.#o = options;
  }

  /** Folds one fact in; returns the agents whose dialogs changed. */
  apply(fact: CallFact, nowMs: number): readonly string[] {
    switch (fact.kind) {
      case 'offered':
        return this.#offered(fact.callId, fact.offerId, fact.agentId, nowMs);
      case 'offer-ended':
        this.#remember(`offer:${fact.offerId}`, nowMs);
        if (fact.outcome === 'answered')
          return this.#answered(fact.callId, fact.agentId, fact.offerId, nowMs);
        return this.#offerEnded(
          fact.agentId,
          fact.callId,
          fact.offerId,
          offerEnd(fact.outcome, fact.status),
          nowMs,
        );
      case 'answered':
        return this.#answered(fact.callId, fact.agentId, undefined, nowMs);
      case 'ended':
        this.#remember(`call:${fact.callId}`, nowMs);
        return [...(this.#byCall.get(fact.callId) ?? [])].flatMap((agentId) =>
          this.#endWhere(agentId, fact.callId, nowMs, (e) => callEnd(e.state, fact.hungUpBy)),
        );
      case 'agent-idle': {
        const callIds = [...(this.#agents.get(fact.agentId)?.keys() ?? [])];
        const ended = callIds.filter((c) => this.#endWhere(fact.agentId, c, nowMs, () => ({})).length > 0);
        return ended.length > 0 ? [fact.agentId] : [];
      }
    }
  }

  /** The agent's dialogs, oldest first, as RFC 4235 §4.1.1 `<dialog>` values. */
  dialogsOf(agentId: string, nowMs: number): DialogInfoDialog[] {
    const entries = [...(this.#agents.get(agentId)?.values() ?? [])];
    return entries
      .sort((a, b) => a.startedMs - b.startedMs)
      .map((e) => ({
        id: e.id,
        direction: 'recipient' as const,
        state: e.state,
        ...e.end,
        // RFC 4235 §4.1.3: seconds since the dialog was created (frozen once it ended).
        duration: Math.max(0, Math.floor(((e.endedMs ?? nowMs) - e.startedMs) / 1000)),
      }));
  }

  /** Removes terminated dialogs past their linger and forgets old ended ids; the agents changed. */
  sweep(nowMs: number): readonly string[] {
    const changed: string[] = [];
    for (const [agentId, calls] of this.#agents) {
      for (const [callId, e] of calls) {
        if (e.endedMs === undefined || nowMs < e.endedMs + this.#o.lingerMs) continue;
        this.#drop(agentId, callId);
        if (!changed.includes(agentId)) changed.push(agentId);
      }
    }
    for (const [key, at] of this.#ended) {
      if (nowMs - at < this.#o.memoryMs) break;
      this.#ended.delete(key);
    }
    return changed;
  }

  /** When `sweep` next has something to remove, if ever. */
  nextSweepMs(): number | undefined {
    let next: number | undefined;
    for (const calls of this.#agents.values())
      for (const e of calls.values())
        if (e.endedMs !== undefined) next = Math.min(next ?? Infinity, e.endedMs + this.#o.lingerMs);
    return next;
  }

  /** Agents that hold any dialog (live or lingering). */
  agentIds(): string[] {
    return [...this.#agents.keys()];
  }

  #offered(callId: string, offerId: string, agentId: string, nowMs: number): readonly string[] {
    if (this.#ended.has(`call:${callId}`) || this.#ended.has(`offer:${offerId}`)) return [];
    const current = this.#agents.get(agentId)?.get(callId);
    // The same offer again, or the call is still live with this agent: nothing new.
    if (current && (current.offerId === offerId || current.state !== 'terminated')) return [];
    this.#put(agentId, {
      id: offerId,
      callId,
      offerId,
      state: 'early',
      end: undefined,
      startedMs: nowMs,
      endedMs: undefined,
    });
    return [agentId];
  }

  #answered(callId: string, agentId: string, offerId: string | undefined, nowMs: number): readonly string[] {
    if (this.#ended.has(`call:${callId}`)) return [];
    const current = this.#agents.get(agentId)?.get(callId);
    if (!current) {
      // The answer overtook its offer: the dialog starts confirmed.
      const id = offerId ?? callId;
      this.#put(agentId, {
        id,
        callId,
        offerId,
        state: 'confirmed',
        end: undefined,
        startedMs: nowMs,
        endedMs: undefined,
      });
      return [agentId];
    }
    return this.#move(current, { type: 'answer' }, nowMs) ? [agentId] : [];
  }

  /** An unanswered offer ends its own dialog (not a later offer of the same call). */
  #offerEnded(
    agentId: string,
    callId: string,
    offerId: string,
    end: DialogEnd,
    nowMs: number,
  ): readonly string[] {
    return this.#endWhere(agentId, callId, nowMs, (e) =>
      e.offerId === undefined || e.offerId === offerId ? end : undefined,
    );
  }

  /** Ends the agent's dialog of `callId` with what `why` says (undefined: not this dialog). */
  #endWhere(
    agentId: string,
    callId: string,
    nowMs: number,
    why: (e: Entry) => DialogEnd | undefined,
  ): readonly string[] {
    const current = this.#agents.get(agentId)?.get(callId);
    if (!current || current.state === 'terminated') return [];
    const end = why(current);
    if (end === undefined) return [];
    return this.#move(current, { type: 'end', ...end }, nowMs) ? [agentId] : [];
  }

  #move(e: Entry, move: DialogMove, nowMs: number): boolean {
    const result = dialogMove(e.state, move);
    if (!result.ok) return false; // a repeated or late fact: the dialog has moved past it
    e.state = result.state;
    if (move.type === 'end') {
      const { type: _type, ...end } = move;
      e.end = end;
      e.endedMs = nowMs;
    }
    return true;
  }

  #put(agentId: string, e: Entry): void {
    let calls = this.#agents.get(agentId);
    if (!calls) this.#agents.set(agentId, (calls = new Map<string, Entry>()));
    calls.set(e.callId, e);
    let agents = this.#byCall.get(e.callId);
    if (!agents) this.#byCall.set(e.callId, (agents = new Set<string>()));
    agents.add(agentId);
  }

  #drop(agentId: string, callId: string): void {
    const calls = this.#agents.get(agentId);
    calls?.delete(callId);
    if (calls?.size === 0) this.#agents.delete(agentId);
    const agents = this.#byCall.get(callId);
    agents?.delete(agentId);
    if (agents?.size === 0) this.#byCall.delete(callId);
  }

  #remember(key: string, nowMs: number): void {
    this.#ended.delete(key);
    this.#ended.set(key, nowMs);
    for (const oldest of this.#ended.keys()) {
      if (this.#ended.size <= this.#o.maxMemory) break;
      this.#ended.delete(oldest);
    }
  }
}
