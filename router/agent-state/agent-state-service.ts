/**
 * The single writer of every agent's live state (design §4 flow 2, §6). Events for one agent go
 * through that agent's serial queue and are applied strictly in order; different agents proceed
 * concurrently. Each accepted transition is, in this order: persisted as a history row, made the
 * current (versioned) state, and its effects run — timers on the injected clock (their firing is
 * fed back through the same queue), revoked offers handed to `onRevokeOffer`, and the transition
 * published on the bus as `agent.state.<agentId>`. Refusals are values (IllegalTransition).
 */
import { EVENTS } from '../../infra/bus/catalogue.js';
import type { BusLogger, EventBus } from '../../infra/bus/types.js';
import type { Clock, TimerHandle } from '../../sip-engine/util/clock.js';
import { agentStatus, availability, channelAvailability, newAgent, transition } from '../model/agent.js';
import type { Agent, AgentEffect, AgentEvent, AgentTransitionRecord } from '../model/agent.js';
import { AgentStateError } from './agent-state-types.js';
import type { AgentConfigLookup, AgentStateView, PresenceDetail, SubmitResult } from './agent-state-types.js';
import { KeyedSerialQueue } from './serial-queue.js';
import type { TransitionStore } from './transition-store.js';

export interface AgentStateServiceDeps {
  readonly clock: Clock;
  readonly bus: EventBus;
  readonly store: TransitionStore;
  readonly lookup: AgentConfigLookup;
  /** The machine ended a reservation itself (timeout, log-out): stop ringing, re-queue the call. */
  readonly onRevokeOffer?: (agentId: string, offerId: string, reason: 'timeout' | 'logged-out') => void;
  readonly logger?: BusLogger;
}

interface Entry {
  agent: Agent;
  presence?: PresenceDetail;
  readonly timers: Map<string, TimerHandle>;
}

export class AgentStateService {
  readonly #deps: AgentStateServiceDeps;
  readonly #queue = new KeyedSerialQueue();
  readonly #entries = new Map<string, Entry>();
  #closed = false;

  constructor(deps: AgentStateServiceDeps) {
    this.#deps = deps;
  }

  /** Applies `event` to the agent after every event submitted before it for that agent. */
  submit(agentId: string, event: AgentEvent): Promise<SubmitResult> {
    if (this.#closed) return Promise.reject(new AgentStateError('closed', 'agent state service is closed'));
    return this.#queue.run(agentId, () => this.#apply(agentId, () => event));
  }

  /** Like `submit`, with the event built from the agent's state at its turn in the queue. */
  submitWith(agentId: string, build: (agent: Agent) => AgentEvent): Promise<SubmitResult> {
    if (this.#closed) return Promise.reject(new AgentStateError('closed', 'agent state service is closed'));
    return this.#queue.run(agentId, () => this.#apply(agentId, build));
  }

  /** The agent's current view (after queued events), or undefined when no such agent exists. */
  view(agentId: string): Promise<AgentStateView | undefined> {
    return this.#queue.run(agentId, async () => {
      const entry = await this.#entry(agentId);
      return entry && toView(entry);
    });
  }

  /** The agent's machine state (after queued events), or undefined when no such agent exists. */
  snapshot(agentId: string): Promise<Agent | undefined> {
    return this.#queue.run(agentId, async () => (await this.#entry(agentId))?.agent);
  }

  /** Records the presence document's gist for the view (availability itself is a `presence-changed` event). */
  setPresenceDetail(agentId: string, detail: PresenceDetail): Promise<boolean> {
    return this.#queue.run(agentId, async () => {
      const entry = await this.#entry(agentId);
      if (entry) entry.presence = detail;
      return entry !== undefined;
    });
  }

  /** Stops accepting events, waits for queued ones, cancels every timer. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue.idle();
    for (const entry of this.#entries.values()) {
      for (const handle of entry.timers.values()) handle.cancel();
      entry.timers.clear();
    }
  }

  async #entry(agentId: string): Promise<Entry | undefined> {
    const known = this.#entries.get(agentId);
    if (known) return known;
    const config = await this.#deps.lookup(agentId);
    if (config === undefined) return undefined;
    // After a restart the agent starts logged out, but its versions continue after the stored ones.
    const version = await this.#deps.store.lastVersion(agentId);
    const entry: Entry = { agent: { ...newAgent(agentId, config), version }, timers: new Map() };
    this.#entries.set(agentId, entry);
    return entry;
  }

  async #apply(agentId: string, build: (agent: Agent) => AgentEvent): Promise<SubmitResult> {
    const entry = await this.#entry(agentId);
    if (!entry) {
      return { ok: false, code: 'unknown-agent', agentId, message: `no agent '${agentId}'` };
    }
    const result = transition(entry.agent, build(entry.agent), this.#deps.clock.now());
    if (!result.ok) return result;
    const record = result.effects.find((e) => e.type === 'emit')?.event;
    if (record) await this.#persist(record);
    entry.agent = result.agent;
    for (const effect of result.effects) await this.#run(entry, effect);
    return { ok: true, agent: entry.agent };
  }

  async #persist(record: AgentTransitionRecord): Promise<void> {
    try {
      await this.#deps.store.append({
        agentId: record.agentId,
        version: record.version,
        from: record.from,
        to: record.to,
        reason: record.notReadyReason ?? null,
        event: record.cause,
        at: this.#deps.clock.wallNow(),
      });
    } catch (err) {
      // The state is not changed when its history row cannot be written.
      throw new AgentStateError('persist-failed', `agent ${record.agentId} v${record.version}`, {
        cause: err,
      });
    }
  }

  async #run(entry: Entry, effect: AgentEffect): Promise<void> {
    const id = entry.agent.id;
    switch (effect.type) {
      case 'start-timer': {
        const delayMs = Math.max(0, effect.atMs - this.#deps.clock.now());
        const handle = this.#deps.clock.setTimer(() => this.#fire(id, effect.timerId), delayMs);
        entry.timers.set(effect.timerId, handle);
        return;
      }
      case 'cancel-timer':
        entry.timers.get(effect.timerId)?.cancel();
        entry.timers.delete(effect.timerId);
        return;
      case 'revoke-offer':
        this.#deps.onRevokeOffer?.(id, effect.offerId, effect.reason);
        return;
      case 'emit':
        await this.#publish(entry.agent, effect.event);
    }
  }

  #fire(agentId: string, timerId: string): void {
    this.#entries.get(agentId)?.timers.delete(timerId);
    if (this.#closed) return;
    void this.submit(agentId, { type: 'timer-fired', timerId }).then(
      (r) => {
        // A timer that lost a race with the event that cancelled it is benign ('unknown-timer').
        if (!r.ok && r.code !== 'unknown-timer')
          this.#deps.logger?.warn({ agentId, timerId, r }, 'timer refused');
      },
      (err: unknown) => this.#deps.logger?.error({ agentId, timerId, err }, 'timer event failed'),
    );
  }

  async #publish(agent: Agent, record: AgentTransitionRecord): Promise<void> {
    const data = {
      agentId: record.agentId,
      version: record.version,
      from: record.from,
      to: record.to,
      mode: record.mode,
      ...(record.notReadyReason !== undefined ? { reason: record.notReadyReason } : {}),
      event: record.cause.type,
      at: this.#deps.clock.wallNow().toISOString(),
      availability: { ...availability(agent) },
    };
    try {
      await this.#deps.bus.publish(EVENTS.agentState, data, record.agentId);
    } catch (err) {
      // Persisted and applied already: a bus outage must not undo or block the agent's state.
      this.#deps.logger?.error(
        { agentId: record.agentId, version: record.version, err },
        'agent.state not published',
      );
    }
  }
}

function toView(entry: Entry): AgentStateView {
  const a = entry.agent;
  return {
    id: a.id,
    state: agentStatus(a),
    mode: a.mode,
    ...(a.notReadyReason !== undefined ? { reason: a.notReadyReason } : {}),
    version: a.version,
    availability: channelAvailability(a, 'voice'),
    channels: availability(a),
    ...(entry.presence ? { presence: entry.presence } : {}),
    devices: a.registeredDevices,
  };
}
