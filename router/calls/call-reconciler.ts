/**
 * Reconciliation against the dialogs (design §6: no ghost calls). Every `intervalMs` of the
 * injected clock, a sweep:
 *
 *   (a) ends every connected call whose caller or agent dialog has ended without the end being
 *       reported (asked through {@link CallControl.endedSide}, no SIP here): BYE to what is left,
 *       and the call hangs up as if that side had — the agent goes to wrap-up;
 *   (b) submits `reconcile` with the live call ids to every agent on a call this router does not
 *       hold any more, so its on-call item ends (agent machine, router/model/agent-work.ts).
 *
 * Agents merely reserved are not swept: their reservation has its own timer.
 */
import type { Clock, TimerHandle } from '../../sip-engine/util/clock.js';
import type { Agent, AgentEvent } from '../model/agent-types.js';
import type { CallLog } from './call-ports.js';
import type { LiveCall } from './live-call.js';
import type { HungUpBy } from './model/call.js';

export interface ReconcilerDeps {
  readonly clock: Clock;
  readonly intervalMs: number;
  readonly log: CallLog;
  readonly calls: () => Iterable<LiveCall>;
  /** The routed agents as the single writer has them now (not the routing view, which may lag). */
  readonly agents: () => Promise<readonly Agent[]>;
  readonly hungUp: (callId: string, by: HungUpBy) => void;
  readonly submit: (agentId: string, event: AgentEvent) => Promise<unknown>;
}

export class CallReconciler {
  readonly #d: ReconcilerDeps;
  #timer: TimerHandle | undefined;
  #closed = false;

  constructor(deps: ReconcilerDeps) {
    this.#d = deps;
  }

  /**
   * Sweeps every interval, on the clock's beat. Sweeps may overlap (slow agent reads): harmless,
   * an agent already reconciled refuses a second `reconcile` (no-change).
   */
  start(): void {
    if (this.#closed || this.#d.intervalMs <= 0) return;
    this.#timer = this.#d.clock.setTimer(() => {
      this.start();
      this.sweep().catch((err: unknown) => this.#d.log.error({ err }, 'reconciliation failed'));
    }, this.#d.intervalMs);
  }

  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
  }

  /** One sweep; resolves once the agents' reconcile events have been submitted. */
  async sweep(): Promise<void> {
    const live = new Set<string>();
    for (const l of this.#d.calls()) {
      live.add(l.call.id);
      if (l.call.state !== 'connected') continue;
      const by = l.control.endedSide();
      if (by === undefined) continue;
      this.#d.log.warn({ callId: l.call.id, by }, 'reconciliation: a leg had ended unreported; call ended');
      l.control.hangup();
      this.#d.hungUp(l.call.id, by);
    }
    const agents = await this.#d.agents();
    await Promise.all(agents.map((a) => this.#reconcileAgent(a, live)));
  }

  /** Only voice calls are this router's to judge: the agent's other on-call items count as live. */
  async #reconcileAgent(agent: Agent, live: ReadonlySet<string>): Promise<void> {
    const onCall = agent.work.filter((w) => w.state === 'on-call');
    const gone = onCall.filter((w) => w.channel === 'voice' && !live.has(w.callId));
    if (gone.length === 0) return;
    const others = onCall.filter((w) => w.channel !== 'voice').map((w) => w.callId);
    this.#d.log.warn(
      { agentId: agent.id, callIds: gone.map((w) => w.callId) },
      'reconciliation: agent on a call that is gone',
    );
    await this.#d.submit(agent.id, { type: 'reconcile', liveCallIds: [...live, ...others] });
  }
}
