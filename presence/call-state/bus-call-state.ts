/**
 * The embedded presence server's `CallStateSource` (presence/server/ports.ts) fed by the bus:
 * call control's `call.*` events and the agents' `agent.state.*` are folded per agent
 * (model/agent-dialogs.ts) and shown under each of the agent's presentities — its AORs in the
 * served domains, from the agent directory, kept current by `directory.agent.changed.*`.
 *
 * ```ts
 * const calls = await BusCallStateSource.start({ bus, directory, domains: ['cc.example.com'], clock });
 * new PresenceServer({ ..., calls, overlay: overlayFromCalls(calls) });
 * calls.stop();
 * ```
 */
import type { BusEnvelope, EventBus } from '../../infra/bus/index.js';
import type { Clock, TimerHandle } from '../../sip-engine/util/clock.js';
import type { DialogInfoDialog } from '../codecs/dialog-info.js';
import { presentityOf } from '../server/policy/presentity.js';
import { silentLogger } from '../server/ports.js';
import type { CallStateSource, PresenceLogger, Unsubscribe } from '../server/ports.js';
import { factOf } from './bus-facts.js';
import { AgentDialogs, DEFAULT_AGENT_DIALOGS } from './model/agent-dialogs.js';
import type { AgentDialogsOptions } from './model/agent-dialogs.js';

/** An agent's id and its addresses of record, as the directory has them. */
export interface AgentAors {
  readonly id: string;
  readonly aors: readonly string[];
}

/** What the source needs from the agent directory. */
export interface AgentAorDirectory {
  list(): Promise<readonly AgentAors[]>;
  /** The agent, or undefined once deleted. */
  find(agentId: string): Promise<AgentAors | undefined>;
}

export interface BusCallStateDeps {
  readonly bus: EventBus;
  readonly directory: AgentAorDirectory;
  /** The presence server's domains: an AOR elsewhere is no presentity of it. */
  readonly domains: readonly string[];
  readonly clock: Clock;
  readonly options?: AgentDialogsOptions;
  readonly log?: PresenceLogger;
}

export class BusCallStateSource implements CallStateSource {
  readonly #d: BusCallStateDeps;
  readonly #log: PresenceLogger;
  readonly #dialogs: AgentDialogs;
  readonly #listeners = new Set<(presentity: string) => void>();
  /** presentity → agent id, and back. */
  readonly #agentOf = new Map<string, string>();
  readonly #presentitiesOf = new Map<string, readonly string[]>();
  readonly #stops: Unsubscribe[] = [];
  #timer: { handle: TimerHandle; atMs: number } | undefined;

  private constructor(deps: BusCallStateDeps) {
    this.#d = deps;
    this.#log = deps.log ?? silentLogger;
    this.#dialogs = new AgentDialogs(deps.options ?? DEFAULT_AGENT_DIALOGS);
  }

  /** Subscribes to the bus first (nothing published meanwhile is missed), then reads the directory. */
  static async start(deps: BusCallStateDeps): Promise<BusCallStateSource> {
    const source = new BusCallStateSource(deps);
    const on = (e: BusEnvelope) => source.#onEvent(e);
    for (const pattern of ['call.>', 'agent.state.>', 'directory.agent.changed.>'])
      source.#stops.push(deps.bus.subscribe(pattern, on));
    for (const agent of await deps.directory.list()) source.#setAors(agent.id, agent.aors);
    return source;
  }

  dialogsOf(presentity: string): readonly DialogInfoDialog[] {
    const agentId = this.#agentOf.get(presentity);
    return agentId === undefined ? [] : this.#dialogs.dialogsOf(agentId, this.#d.clock.now());
  }

  onChange(listener: (presentity: string) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops following the bus and the linger timer; the documents stay as they are. */
  stop(): void {
    for (const stop of this.#stops.splice(0)) stop();
    this.#timer?.handle.cancel();
    this.#timer = undefined;
  }

  #onEvent(envelope: BusEnvelope): void {
    if (envelope.type === 'directory.agent.changed') {
      const { agentId } = envelope.data as { agentId: string };
      void this.#refreshAgent(agentId);
      return;
    }
    const fact = factOf(envelope);
    if (fact === undefined) return;
    this.#changed(this.#dialogs.apply(fact, this.#d.clock.now()));
  }

  async #refreshAgent(agentId: string): Promise<void> {
    try {
      const agent = await this.#d.directory.find(agentId);
      const before = this.#presentitiesOf.get(agentId) ?? [];
      this.#setAors(agentId, agent?.aors ?? []);
      const after = this.#presentitiesOf.get(agentId) ?? [];
      if (this.#dialogs.agentIds().includes(agentId)) this.#notify(new Set([...before, ...after]));
    } catch (err) {
      this.#log.warn({ agentId, err }, 'agent presentities not refreshed');
    }
  }

  #setAors(agentId: string, aors: readonly string[]): void {
    for (const p of this.#presentitiesOf.get(agentId) ?? []) this.#agentOf.delete(p);
    const presentities = aors.flatMap((aor) => presentityOf(aor, this.#d.domains) ?? []);
    if (presentities.length > 0) this.#presentitiesOf.set(agentId, presentities);
    else this.#presentitiesOf.delete(agentId);
    for (const p of presentities) this.#agentOf.set(p, agentId);
  }

  #changed(agentIds: readonly string[]): void {
    if (agentIds.length > 0) {
      this.#notify(new Set(agentIds.flatMap((id) => this.#presentitiesOf.get(id) ?? [])));
    }
    this.#arm();
  }

  #notify(presentities: Iterable<string>): void {
    for (const p of presentities) {
      for (const listener of this.#listeners) {
        try {
          listener(p);
        } catch (err) {
          this.#log.warn({ presentity: p, err }, 'call-state listener failed');
        }
      }
    }
  }

  /** One timer, at the next lingering dialog's removal. */
  #arm(): void {
    const next = this.#dialogs.nextSweepMs();
    if (next === this.#timer?.atMs) return;
    this.#timer?.handle.cancel();
    this.#timer = undefined;
    if (next === undefined || this.#stops.length === 0) return;
    const fire = () => {
      this.#timer = undefined;
      this.#changed(this.#dialogs.sweep(this.#d.clock.now()));
    };
    this.#timer = {
      handle: this.#d.clock.setTimer(fire, Math.max(0, next - this.#d.clock.now())),
      atMs: next,
    };
  }
}
