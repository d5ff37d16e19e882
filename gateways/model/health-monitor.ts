/**
 * Runs one health machine (health-machine.ts) per watched gateway: performs its effects with the
 * injected Clock (timers) and the injected `probe` (the SIP layer sends the OPTIONS and reports the
 * outcome). No I/O of its own. Gateways without a target or with health checks disabled are simply
 * not watched, and count as in service.
 */
import type { Clock, TimerHandle } from '../../sip-engine/util/clock.js';
import { initialHealth, isInService, probeAlive, stepHealth } from './health-machine.js';
import type {
  HealthEffect,
  HealthEvent,
  HealthPolicy,
  HealthState,
  HealthStatus,
  ProbeOutcome,
} from './health-machine.js';

export interface HealthMonitorDeps {
  clock: Clock;
  /** Sends one OPTIONS ping to the gateway; may reject (counted as a failed ping). */
  probe(gatewayId: string): Promise<ProbeOutcome>;
  /** A gateway went in or out of service (for the log line, the metric, the bus event). */
  onChange?(gatewayId: string, from: HealthState, to: HealthState, status: HealthStatus): void;
  /** `onChange` threw (the pinging goes on). Without it the error is rethrown on a fresh stack. */
  onListenerError?(err: unknown, gatewayId: string): void;
}

interface Watched {
  status: HealthStatus;
  readonly policy: HealthPolicy;
  due: TimerHandle | undefined;
  timeout: TimerHandle | undefined;
}

export class HealthMonitor {
  readonly #deps: HealthMonitorDeps;
  readonly #watched = new Map<string, Watched>();

  constructor(deps: HealthMonitorDeps) {
    this.#deps = deps;
  }

  /** Starts pinging the gateway now (replacing an earlier watch and its policy). */
  watch(gatewayId: string, policy: HealthPolicy): void {
    this.unwatch(gatewayId);
    const w: Watched = {
      status: initialHealth(this.#deps.clock.now()),
      policy,
      due: undefined,
      timeout: undefined,
    };
    this.#watched.set(gatewayId, w);
    this.#apply(gatewayId, w, { kind: 'probe-due' });
  }

  unwatch(gatewayId: string): void {
    const w = this.#watched.get(gatewayId);
    if (!w) return;
    w.due?.cancel();
    w.timeout?.cancel();
    this.#watched.delete(gatewayId);
  }

  /** Stops every watch (shutdown); pings in flight are ignored when they settle. */
  stop(): void {
    for (const id of [...this.#watched.keys()]) this.unwatch(id);
  }

  status(gatewayId: string): HealthStatus | undefined {
    return this.#watched.get(gatewayId)?.status;
  }

  /** In service unless watched and down or recovering. */
  isInService(gatewayId: string): boolean {
    const w = this.#watched.get(gatewayId);
    return w === undefined || isInService(w.status.state);
  }

  #apply(id: string, w: Watched, event: HealthEvent): void {
    if (this.#watched.get(id) !== w) return; // unwatched or replaced meanwhile
    const step = stepHealth(w.status, event, w.policy, this.#deps.clock.now());
    w.status = step.status;
    // Timers first, notifications last (a listener sees the timers already armed).
    const notify = step.effects.filter((e) => e.kind === 'state-changed');
    for (const effect of step.effects) if (effect.kind !== 'state-changed') this.#run(id, w, effect);
    for (const effect of notify) this.#run(id, w, effect);
  }

  #run(id: string, w: Watched, effect: HealthEffect): void {
    const { clock } = this.#deps;
    switch (effect.kind) {
      case 'send-probe':
        this.#send(id, w, effect.probeId);
        return;
      case 'arm-probe-timeout':
        w.timeout = clock.setTimer(
          () => this.#apply(id, w, { kind: 'probe-timed-out', probeId: effect.probeId }),
          effect.delayMs,
        );
        return;
      case 'cancel-probe-timeout':
        w.timeout?.cancel();
        w.timeout = undefined;
        return;
      case 'arm-probe-due':
        w.due = clock.setTimer(() => this.#apply(id, w, { kind: 'probe-due' }), effect.delayMs);
        return;
      case 'state-changed':
        this.#notify(id, effect.from, effect.to, w.status);
        return;
    }
  }

  #notify(id: string, from: HealthState, to: HealthState, status: HealthStatus): void {
    try {
      this.#deps.onChange?.(id, from, to, status);
    } catch (err) {
      if (this.#deps.onListenerError) this.#deps.onListenerError(err, id);
      else
        queueMicrotask(() => {
          throw err;
        });
    }
  }

  #send(id: string, w: Watched, probeId: number): void {
    let sent: Promise<ProbeOutcome>;
    try {
      sent = this.#deps.probe(id);
    } catch {
      sent = Promise.resolve({ kind: 'transport-error' });
    }
    void sent.then(
      (outcome) => this.#apply(id, w, { kind: 'probe-answered', probeId, alive: probeAlive(outcome) }),
      () => this.#apply(id, w, { kind: 'probe-answered', probeId, alive: false }),
    );
  }
}
