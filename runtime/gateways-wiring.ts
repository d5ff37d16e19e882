/**
 * Gateways in `patchbay start`: the catalog (config gateways + database ones) applied to the
 * GatewayService, which inbound admission reads in memory; digest with the registrar's realm and
 * nonce secret; OPTIONS health checks through the router's first drachtio server once it is
 * connected, each change logged, published (`gateway.health`) and exported as a gauge; refusals
 * counted (`patchbay_gateway_rejected_total{reason}`) and logged in one line. Health checks stop
 * with the subscriptions (before SIP goes away).
 */
import type { PatchbayConfig } from '../config/index.js';
import { EVENTS } from '../infra/bus/index.js';
import type { EventBus } from '../infra/bus/index.js';
import type { Db } from '../infra/db/index.js';
import type { Srf } from '../infra/drachtio/srf-connection.js';
import type { GatewayMetrics } from '../infra/telemetry/gateway-metrics.js';
import type { Logger } from '../infra/telemetry/index.js';
import { DigestAuthenticator } from '../presence/registrar/digest.js';
import { nonceSecret } from '../presence/registrar/start-registrar.js';
import type { Clock } from '../sip-engine/util/clock.js';
import {
  createGatewayRepository,
  createOptionsProbe,
  GatewayCatalog,
  GatewayService,
} from '../gateways/index.js';
import type { GatewayObserver, LoadReport } from '../gateways/index.js';

export interface GatewaysOptions {
  cfg: PatchbayConfig;
  db: Db;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  metrics: GatewayMetrics;
}

export interface RunningGateways {
  readonly service: GatewayService;
  readonly catalog: GatewayCatalog;
  readonly loaded: LoadReport;
  /** Starts the OPTIONS health checks through `srf` (call once the router is connected). */
  startHealthChecks(srf: Srf): void;
  stop(): void;
}

function observer(o: GatewaysOptions): GatewayObserver {
  const { logger: log, metrics, bus, cfg, clock } = o;
  return {
    refused: (r, view) => {
      metrics.rejected.inc({ reason: r.logReason });
      log.warn(
        {
          reason: r.logReason,
          status: r.status,
          source: `${view.sourceAddress}:${view.sourcePort}`,
          gatewayId: r.gatewayId,
        },
        'INVITE refused by gateway admission',
      );
    },
    healthChanged: (c) => {
      metrics.up.set({ gateway: c.gatewayId }, c.inService ? 1 : 0);
      log.warn({ ...c }, `gateway ${c.gatewayId} health ${c.from} → ${c.to}`);
      const data = { ...c, at: clock.wallNow().toISOString() };
      bus.publish(EVENTS.gatewayHealth, data, c.gatewayId).catch((err: unknown) => {
        log.warn({ err }, 'could not publish gateway.health');
      });
    },
    activeCalls: (gatewayId, active) => metrics.activeCalls.set({ gateway: gatewayId }, active),
    openAdmission: () =>
      log.warn(`no gateway configured: INVITEs from any source are admitted (node ${cfg.node.id})`),
  };
}

export async function startGateways(o: GatewaysOptions): Promise<RunningGateways> {
  const digest = new DigestAuthenticator({
    realm: o.cfg.presence.domain,
    secret: await nonceSecret(o.db),
    clock: o.clock,
    algorithms: o.cfg.presence.digestAlgorithms,
  });
  const service = new GatewayService({ clock: o.clock, digest, observer: observer(o) });
  const catalog = new GatewayCatalog({
    repo: createGatewayRepository(o.db),
    config: o.cfg.gateways,
    realm: o.cfg.presence.domain,
    clock: o.clock,
    service,
    bus: o.bus,
    nodeId: o.cfg.node.id,
    log: o.logger,
  });
  const unfollow = catalog.follow(o.bus);
  const loaded = await catalog.load();
  for (const g of catalog.list()) o.metrics.up.set({ gateway: g.id }, 1);
  o.logger.info({ ...loaded }, 'gateways ready');
  return {
    service,
    catalog,
    loaded,
    startHealthChecks: (srf) => service.enableHealthChecks(createOptionsProbe(srf)),
    stop: () => {
      unfollow();
      service.stop();
    },
  };
}
