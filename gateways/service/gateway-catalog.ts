/**
 * The gateways of the system: the config file's (the base, read-only here) plus the database's
 * (created, replaced and deleted through the API). Every write is checked on the combined list with
 * the same rules as the config (gateway-issues.ts), stored, applied to the running GatewayService
 * (so admission stays an in-memory lookup) and announced on the bus; other nodes reload on it.
 */
import type { EventBus, Unsubscribe } from '../../infra/bus/index.js';
import { EVENTS } from '../../infra/bus/index.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import type { Gateway } from '../model/gateway.js';
import type { GatewayIssue } from '../model/gateway-issues.js';
import type { GatewayRepository } from '../store/gateway-repository.js';
import { GatewayConflictError, GatewayNotFoundError, InvalidGatewayError } from './errors.js';
import type { GatewayService } from './gateway-service.js';
import { combinedIssues, liveFromSpec } from './live-gateway.js';
import type { LiveGateway } from './live-gateway.js';

export interface GatewayCatalogDeps {
  repo: GatewayRepository;
  /** The config file's gateways (validated by the config loader). */
  config: readonly Gateway[];
  /** Digest realm HA1 is computed for (the registrar's: presence.domain). */
  realm: string;
  clock: Pick<Clock, 'wallNow'>;
  service: GatewayService;
  bus?: EventBus;
  nodeId?: string;
  log?: { warn(obj: object, msg: string): void };
}

export interface LoadReport {
  readonly config: number;
  readonly stored: number;
  /** Stored gateways not used: unreadable rows or rules broken against the current config. */
  readonly skipped: readonly { id: string; problem: string }[];
}

export class GatewayCatalog {
  readonly #deps: GatewayCatalogDeps;
  readonly #config: LiveGateway[];
  #stored: LiveGateway[] = [];
  #writes: Promise<unknown> = Promise.resolve();

  constructor(deps: GatewayCatalogDeps) {
    this.#deps = deps;
    this.#config = deps.config.map((g) => liveFromSpec(g, deps.realm, 'config', 0));
  }

  /** Reads the stored gateways and applies everything to the service. */
  async load(): Promise<LoadReport> {
    const { rows, invalid } = await this.#deps.repo.list();
    const skipped = [...invalid];
    const kept: LiveGateway[] = [];
    for (const { gateway, realm } of rows) {
      const problem =
        gateway.auth && realm !== this.#deps.realm
          ? `stored for digest realm '${realm ?? ''}', not '${this.#deps.realm}': set its password again`
          : this.#problems([...this.#config, ...kept], gateway)[0]?.message;
      if (problem !== undefined) skipped.push({ id: gateway.id, problem });
      else kept.push(gateway);
    }
    for (const s of skipped) this.#deps.log?.warn(s, 'stored gateway not used');
    this.#stored = kept;
    this.#apply();
    return { config: this.#config.length, stored: kept.length, skipped };
  }

  /** Reloads when another node changed a stored gateway; returns the unsubscribe function. */
  follow(bus: EventBus): Unsubscribe {
    return bus.subscribe(`${EVENTS.gatewayChanged.type}.*`, (e) => {
      if (e.source === this.#deps.nodeId) return;
      this.#serial(() => this.load()).catch((err: unknown) =>
        this.#deps.log?.warn({ err }, 'could not reload gateways'),
      );
    });
  }

  list(): readonly LiveGateway[] {
    return [...this.#config, ...this.#stored];
  }

  get(id: string): LiveGateway {
    const g = this.list().find((x) => x.id === id);
    if (!g) throw new GatewayNotFoundError(id);
    return g;
  }

  create(spec: Gateway): Promise<LiveGateway> {
    return this.#serial(async () => {
      this.#notConfig(spec.id);
      if (this.#stored.some((x) => x.id === spec.id))
        throw new GatewayConflictError('gateway-exists', `gateway '${spec.id}' exists already`);
      const g = this.#checked(liveFromSpec(spec, this.#deps.realm, 'api', 1), undefined);
      if (!(await this.#deps.repo.insert(g, this.#deps.realm, this.#deps.clock.wallNow())))
        throw new GatewayConflictError('gateway-exists', `gateway '${spec.id}' exists already`);
      this.#stored = [...this.#stored, g];
      return this.#changed(g, 'created');
    });
  }

  replace(id: string, spec: Gateway): Promise<LiveGateway> {
    return this.#serial(async () => {
      const old = this.#existing(id);
      if (spec.id !== id)
        throw new InvalidGatewayError([{ path: '/id', message: `must be '${id}' (the URL's id)` }]);
      const g = this.#checked(liveFromSpec(spec, this.#deps.realm, 'api', old.version + 1), id);
      if (!(await this.#deps.repo.update(g, this.#deps.realm, this.#deps.clock.wallNow())))
        throw new GatewayNotFoundError(id);
      this.#stored = this.#stored.map((x) => (x.id === id ? g : x));
      return this.#changed(g, 'updated');
    });
  }

  remove(id: string): Promise<LiveGateway> {
    return this.#serial(async () => {
      const old = this.#existing(id);
      if (!(await this.#deps.repo.remove(id))) throw new GatewayNotFoundError(id);
      this.#stored = this.#stored.filter((x) => x.id !== id);
      return this.#changed(old, 'deleted');
    });
  }

  /** A config gateway is never written here (it would come back at the next start). */
  #notConfig(id: string): void {
    if (this.#config.some((g) => g.id === id))
      throw new GatewayConflictError(
        'config-gateway',
        `gateway '${id}' comes from the config file; change it there`,
      );
  }

  #existing(id: string): LiveGateway {
    this.#notConfig(id);
    const old = this.#stored.find((g) => g.id === id);
    if (!old) throw new GatewayNotFoundError(id);
    return old;
  }

  #checked(g: LiveGateway, replacing: string | undefined): LiveGateway {
    const others = [...this.#config, ...this.#stored.filter((x) => x.id !== replacing)];
    const issues = this.#problems(others, g);
    if (issues.length > 0) throw new InvalidGatewayError(issues);
    return g;
  }

  /** The rules on `others + g`, reported for g (the last one, so a clash is reported on it). */
  #problems(others: readonly LiveGateway[], g: LiveGateway): GatewayIssue[] {
    const at = `/${others.length}`;
    return combinedIssues([...others, g])
      .filter((i) => i.path === at || i.path.startsWith(`${at}/`))
      .map((i) => ({ ...i, path: i.path.slice(at.length) }));
  }

  #changed(g: LiveGateway, change: 'created' | 'updated' | 'deleted'): LiveGateway {
    this.#apply();
    this.#deps.bus
      ?.publish(EVENTS.gatewayChanged, { gatewayId: g.id, change, version: g.version }, g.id)
      .catch((err: unknown) => this.#deps.log?.warn({ err }, 'could not publish gateway.changed'));
    return g;
  }

  #apply(): void {
    this.#deps.service.replace(this.list());
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#writes.then(work, work);
    this.#writes = next.catch(() => undefined);
    return next;
  }
}
