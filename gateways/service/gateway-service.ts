/**
 * The gateways of one node at run time: the in-memory directory inbound admission reads (rebuilt
 * on every change, never a database query per INVITE), the concurrency limiter, the OPTIONS health
 * monitor (its pings through the injected `probe`) and outbound selection over what is in service.
 */
import type { DigestAuthenticator } from '../../presence/registrar/digest.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import { ConcurrencyLimiter } from '../model/concurrency-limiter.js';
import { buildGatewayDirectory } from '../model/gateway-directory.js';
import type { GatewayDirectory } from '../model/gateway-directory.js';
import type { HealthState, HealthStatus, ProbeOutcome } from '../model/health-machine.js';
import { HealthMonitor } from '../model/health-monitor.js';
import type { AttemptOutcome, OutcomeClass } from '../model/outbound-attempts.js';
import { classifyOutcome } from '../policy/failover.js';
import { admitFromGateway, readParties } from './invite-admission.js';
import type { AdmitResult, InviteView } from './invite-view.js';
import type { LiveGateway } from './live-gateway.js';
import { outboundTargets } from './outbound-plan.js';
import type { OutboundTarget } from './outbound-plan.js';

export interface GatewayHealthChange {
  readonly gatewayId: string;
  readonly from: HealthState;
  readonly to: HealthState;
  readonly inService: boolean;
  readonly failures: number;
}

/** Where the service reports (the wiring maps these to metrics, log lines and bus events). */
export interface GatewayObserver {
  refused?(result: Extract<AdmitResult, { kind: 'refuse' }>, view: InviteView): void;
  healthChanged?(change: GatewayHealthChange): void;
  activeCalls?(gatewayId: string, active: number): void;
  /** No gateway is configured: every source is admitted (reported once per such period). */
  openAdmission?(): void;
}

export interface GatewayServiceDeps {
  clock: Clock;
  /** Verifies digest gateways' credentials (the registrar's authenticator class). */
  digest?: DigestAuthenticator;
  /** Sends one OPTIONS to the gateway; absent = no health checks (every gateway in service). */
  probe?: (gateway: LiveGateway) => Promise<ProbeOutcome>;
  observer?: GatewayObserver;
  /** [0, 1) for weighted outbound order (default Math.random). */
  random?: () => number;
}

export interface GatewayStatus {
  readonly gateway: LiveGateway;
  /** 'unmonitored' without health checks (no host, disabled, or no probe). */
  readonly health: HealthState | 'unmonitored';
  readonly inService: boolean;
  readonly activeCalls: number;
}

export class GatewayService {
  readonly #deps: GatewayServiceDeps;
  #probeFn: ((gateway: LiveGateway) => Promise<ProbeOutcome>) | undefined;
  readonly #limiter = new ConcurrencyLimiter();
  readonly #monitor: HealthMonitor;
  #gateways: readonly LiveGateway[] = [];
  #directory: GatewayDirectory<LiveGateway> = buildGatewayDirectory<LiveGateway>([]);
  #openReported = false;

  constructor(deps: GatewayServiceDeps) {
    this.#deps = deps;
    this.#probeFn = deps.probe;
    this.#monitor = new HealthMonitor({
      clock: deps.clock,
      probe: (id) => this.#probe(id),
      onChange: (gatewayId, from, to, status) => this.#healthChanged(gatewayId, from, to, status),
    });
  }

  /** Replaces the whole set (validated by the caller); health watches follow changed settings. */
  replace(gateways: readonly LiveGateway[]): void {
    const before = new Map(this.#gateways.map((g) => [g.id, g]));
    this.#gateways = gateways;
    this.#directory = buildGatewayDirectory(gateways);
    for (const g of gateways) {
      const { maxConcurrentCalls, retryAfterSeconds } = g;
      this.#limiter.configure(g.id, { maxConcurrentCalls, retryAfterSeconds });
      const old = before.get(g.id);
      before.delete(g.id);
      if (old && sameTarget(old, g)) continue;
      if (this.#monitored(g)) this.#monitor.watch(g.id, g.health);
      else this.#monitor.unwatch(g.id);
    }
    for (const id of before.keys()) {
      this.#monitor.unwatch(id);
      this.#limiter.remove(id);
    }
    if (gateways.length > 0) this.#openReported = false;
  }

  /** Starts (or restarts) the health checks of every monitored gateway with `probe`. */
  enableHealthChecks(probe: (gateway: LiveGateway) => Promise<ProbeOutcome>): void {
    this.#probeFn = probe;
    for (const g of this.#gateways) if (this.#monitored(g)) this.#monitor.watch(g.id, g.health);
  }

  list(): readonly LiveGateway[] {
    return this.#gateways;
  }

  get(id: string): LiveGateway | undefined {
    return this.#directory.byId.get(id);
  }

  /** Admission of one INVITE (see invite-view.ts for the answer). Synchronous and in memory. */
  admitInvite(view: InviteView): AdmitResult {
    if (this.#gateways.length === 0) return this.#admitOpen(view);
    const result = admitFromGateway(
      { directory: this.#directory, limiter: this.#limiter, digest: this.#deps.digest },
      view,
      (id) => this.#deps.observer?.activeCalls?.(id, this.#limiter.active(id)),
    );
    if (result.kind === 'refuse') this.#deps.observer?.refused?.(result, view);
    else if (result.gatewayId !== undefined)
      this.#deps.observer?.activeCalls?.(result.gatewayId, this.#limiter.active(result.gatewayId));
    return result;
  }

  /** The ordered failover plan for `number` over enabled, in-service gateways with a host. */
  outbound(number: string): OutboundTarget[] {
    const usable = (g: LiveGateway): boolean =>
      g.enabled && g.host !== undefined && this.#monitor.isInService(g.id) && !this.#limiter.isFull(g.id);
    return outboundTargets(number, this.#gateways, usable, this.#deps.random ?? Math.random, {
      acquire: (id) => {
        const slot = this.#limiter.acquire(id);
        if (slot.ok) this.#deps.observer?.activeCalls?.(id, this.#limiter.active(id));
        return slot;
      },
      released: (id) => this.#deps.observer?.activeCalls?.(id, this.#limiter.active(id)),
    });
  }

  /** RFC 3261 §21 / RFC 3263 §4.3: 2xx answered; 5xx, 408, timeout → next gateway; else final. */
  classify(outcome: AttemptOutcome): OutcomeClass {
    return classifyOutcome(outcome);
  }

  status(id: string): GatewayStatus | undefined {
    const gateway = this.get(id);
    if (!gateway) return undefined;
    const health = this.#monitor.status(id)?.state ?? 'unmonitored';
    return {
      gateway,
      health,
      inService: this.#monitor.isInService(id),
      activeCalls: this.#limiter.active(id),
    };
  }

  /** Stops the health checks (shutdown). */
  stop(): void {
    this.#monitor.stop();
  }

  #admitOpen(view: InviteView): AdmitResult {
    if (!this.#openReported) {
      this.#openReported = true;
      this.#deps.observer?.openAdmission?.();
    }
    return { kind: 'admit', gatewayId: undefined, ...readParties(view, undefined), release: () => undefined };
  }

  #monitored(g: LiveGateway): boolean {
    return this.#probeFn !== undefined && g.enabled && g.host !== undefined && g.health.enabled;
  }

  #probe(id: string): Promise<ProbeOutcome> {
    const g = this.get(id);
    if (!g || !this.#probeFn) return Promise.resolve({ kind: 'transport-error' });
    return this.#probeFn(g);
  }

  #healthChanged(gatewayId: string, from: HealthState, to: HealthState, status: HealthStatus): void {
    const inService = to === 'up' || to === 'suspect';
    this.#deps.observer?.healthChanged?.({ gatewayId, from, to, inService, failures: status.failures });
  }
}

/** Whether the health watch can stay as it is (same target, same policy, still monitored). */
function sameTarget(a: LiveGateway, b: LiveGateway): boolean {
  return (
    a.enabled === b.enabled &&
    a.host === b.host &&
    a.port === b.port &&
    a.transport === b.transport &&
    JSON.stringify(a.health) === JSON.stringify(b.health)
  );
}
