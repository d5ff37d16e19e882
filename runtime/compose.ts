/**
 * The composition root: `startPatchbay(config)` starts, in order,
 *
 *   storage (PostgreSQL | PGlite) → bus (NATS | in-process) → SIP engine (embedded worker thread |
 *   external drachtio-servers) → router app (drachtio-srf connected, handlers registered) → HTTP
 *
 * and logs where SIP and HTTP listen. Each started component registers its part of the ordered
 * shutdown (shutdown.ts) at once, so if a later step fails the same state machine stops what is
 * already running, in reverse order, and the failure is a {@link StartupError} naming the step.
 */
import type { PatchbayConfig } from '../config/index.js';
import { createBus, EVENTS } from '../infra/bus/index.js';
import type { EventBus } from '../infra/bus/index.js';
import { createNodeEventLog } from '../infra/db/index.js';
import type { DatabaseHandle, JsonValue } from '../infra/db/index.js';
import { Readiness } from '../infra/http/index.js';
import type { ReadinessCheck } from '../infra/http/index.js';
import { packageVersion } from '../infra/http/version.js';
import { componentLogger, createLogger, createMetrics } from '../infra/telemetry/index.js';
import type { Logger, Metrics } from '../infra/telemetry/index.js';
import { createGatewayMetrics } from '../infra/telemetry/gateway-metrics.js';
import { registerGatewayRoutes } from '../gateways/index.js';
import { startGateways } from './gateways-wiring.js';
import type { RunningGateways } from './gateways-wiring.js';
import { registerRouterApp } from '../router/app.js';
import { startAgentDirectory } from '../router/agents/start-directory.js';
import type { AgentDirectory } from '../router/agents/agent-directory.js';
import { registerAgentRoutes } from '../router/agents/http/agent-routes.js';
import { AgentNotFoundError, toAgentConfig } from '../router/agents/index.js';
import {
  AgentStateService,
  createTransitionStore,
  feedDeviceChanges,
  registerAgentStateRoutes,
} from '../router/agent-state/index.js';
import { DigestAuthenticator } from '../presence/registrar/digest.js';
import { nonceSecret, startRegistrar } from '../presence/registrar/start-registrar.js';
import type { PresenceWatcher } from '../presence/watcher/index.js';
import { startPresenceBridge } from './presence-bridge.js';
import { startQueuePresence } from './queue-presence-wiring.js';
import { digestPresenceAuthenticator, overlayFromCalls, PresenceServer } from '../presence/server/index.js';
import { startCallState } from './call-state-wiring.js';
import type { RouterApp } from '../router/app.js';
import { startCalls } from './calls-wiring.js';
import { startRecords } from './records-wiring.js';
import type { RecordsRuntime } from './records-wiring.js';
import type { Clock } from '../sip-engine/util/clock.js';
import { systemClock } from '../sip-engine/util/clock.js';
import { idleActivity } from './activity.js';
import type { RouterActivity } from './activity.js';
import {
  buildHttp,
  busCheck,
  databaseCheck,
  describeDatabase,
  listenHttp,
  openStorage,
} from './components.js';
import { describeError, StartupError } from './errors.js';
import type { StartupStep } from './errors.js';
import { Shutdown } from './shutdown.js';
import type { ShutdownHooks, ShutdownOptions, ShutdownReport, ShutdownState } from './shutdown.js';
import { connectRouterSrf, drachtioTargets, formatEndpoint, sipInfo, startEmbeddedEngine } from './sip.js';
import type { SipInfo, SrfLink } from './sip.js';
import type { Srf } from '../infra/drachtio/srf-connection.js';
import type { DrachtioTarget } from '../infra/drachtio/srf-connection.js';

export interface StartOptions {
  /** Root logger (default: one built from `config.log` and `config.node`). */
  logger?: Logger;
  clock?: Clock;
  /** The router's calls and subscriptions, for the drain phases (default: none). */
  activity?: RouterActivity;
  /** A bus to use instead of the configured one (a benchmark observing publications); drained at shutdown. */
  bus?: EventBus;
  shutdown?: Pick<ShutdownOptions, 'budgetMs' | 'phaseTimeoutsMs' | 'minPhaseMs'>;
}

export interface PatchbayRuntime {
  readonly sip: SipInfo;
  readonly http: { url: string };
  readonly database: { kind: DatabaseHandle['kind'] };
  readonly bus: { kind: EventBus['kind'] };
  /** Where the shutdown state machine is (`running` until stop()). */
  readonly state: ShutdownState;
  /** The ordered graceful shutdown; idempotent (later calls get the same report). */
  stop(reason?: string): Promise<ShutdownReport>;
}

interface Context {
  cfg: PatchbayConfig;
  logger: Logger;
  clock: Clock;
  activity: RouterActivity;
  /** Set once call control runs: the agent machine ended a reservation by itself. */
  revokeOffer?: (agentId: string, offerId: string) => void;
  hooks: ShutdownHooks;
  readiness: Readiness;
  version: string;
  /** The one registry /metrics serves. */
  metrics: Metrics;
  /** StartOptions.bus, when given. */
  injectedBus?: EventBus;
  /** Gateway admission (`gateways.service.admitInvite`), health and outbound plan, once started. */
  gateways?: RunningGateways;
  /** Call records, queue board and their metrics and routes (records-wiring.ts), once started. */
  records?: RecordsRuntime;
}

interface Parts {
  storage: DatabaseHandle;
  bus: EventBus;
  sip: SipInfo;
  httpUrl: string;
}

/** Runs one start-up step (logged with its duration); any failure becomes a StartupError naming the step. */
async function step<T>(ctx: Context, name: StartupStep, run: () => Promise<T>): Promise<T> {
  const t0 = ctx.clock.now();
  try {
    const value = await run();
    ctx.logger.info({ step: name, ms: Math.round(ctx.clock.now() - t0) }, 'start-up step done');
    return value;
  } catch (err) {
    if (err instanceof StartupError) throw err;
    throw new StartupError(name, describeError(err), { cause: err });
  }
}

export async function startPatchbay(cfg: PatchbayConfig, opts: StartOptions = {}): Promise<PatchbayRuntime> {
  const ctx = context(cfg, opts);
  const shutdown = new Shutdown({
    ...opts.shutdown,
    hooks: ctx.hooks,
    clock: ctx.clock,
    logger: componentLogger(ctx.logger, 'shutdown'),
  });
  let parts: Parts;
  try {
    parts = await assemble(ctx);
  } catch (err) {
    const e =
      err instanceof StartupError ? err : new StartupError('router', describeError(err), { cause: err });
    ctx.logger.error({ step: e.step, error: e.message }, 'start-up failed; stopping what was started');
    await shutdown.run(`start-up failed (${e.step})`);
    throw e;
  }
  await announceStarted(ctx, parts);
  return {
    sip: parts.sip,
    http: { url: parts.httpUrl },
    database: { kind: parts.storage.kind },
    bus: { kind: parts.bus.kind },
    get state() {
      return shutdown.state;
    },
    stop: (reason = 'stop requested') => shutdown.run(reason),
  };
}

function context(cfg: PatchbayConfig, opts: StartOptions): Context {
  const clock = opts.clock ?? systemClock;
  return {
    cfg,
    logger: opts.logger ?? createLogger(cfg),
    clock,
    hooks: {},
    activity: opts.activity ?? idleActivity,
    ...(opts.bus ? { injectedBus: opts.bus } : {}),
    readiness: new Readiness({ clock }),
    version: packageVersion(),
    metrics: createMetrics(),
  };
}

async function assemble(ctx: Context): Promise<Parts> {
  const { cfg, hooks, readiness } = ctx;
  const storage = await step(ctx, 'storage', () => openStorage(cfg, ctx.logger));
  hooks['close-database'] = () => storage.close();
  readiness.register('database', databaseCheck(storage));
  const bus = await step(ctx, 'bus', () =>
    ctx.injectedBus
      ? Promise.resolve(ctx.injectedBus)
      : createBus({ nodeId: cfg.node.id, logger: componentLogger(ctx.logger, 'bus'), ...busUrl(cfg) }),
  );
  hooks['drain-bus'] = () => bus.drain();
  readiness.register('bus', busCheck(bus));
  const directory = await step(ctx, 'agents', () => startDirectory(ctx, storage, bus));
  const agentState = startAgentState(ctx, storage, bus, directory);
  ctx.records = startRecords({ ...ctx, storage, bus });
  ctx.gateways = await step(ctx, 'gateways', () => startGatewayService(ctx, storage, bus));
  const engine = await step(ctx, 'sip-engine', () => startEmbeddedEngine(cfg));
  if (engine) hooks['stop-engine'] = () => engine.stop();
  const targets = await step(ctx, 'router', () =>
    startRouter(ctx, drachtioTargets(cfg, engine), { storage, bus }, directory, agentState),
  );
  const httpUrl = await step(ctx, 'http', () => startHttp(ctx, bus, directory, agentState));
  return { storage, bus, sip: sipInfo(cfg, engine, targets), httpUrl };
}

function busUrl(cfg: PatchbayConfig): { url?: string } {
  return cfg.bus.url !== undefined ? { url: cfg.bus.url } : {};
}

/** Connects drachtio-srf, registers the router's handlers and its shutdown phases. */
async function startRouter(
  ctx: Context,
  targets: DrachtioTarget[],
  announce: { storage: DatabaseHandle; bus: EventBus },
  directory: AgentDirectory,
  agentState: AgentStateService,
): Promise<DrachtioTarget[]> {
  const log = componentLogger(ctx.logger, 'router');
  let presence: PresenceServer | undefined;
  let watcher: PresenceWatcher | undefined;
  const link = await connectRouterSrf(targets, componentLogger(ctx.logger, 'drachtio'));
  if (ctx.cfg.presence.mode === 'embedded') {
    // The embedded registrar answers REGISTER on every drachtio server; it stops before the database closes.
    const registrar = await startRegistrar({
      db: announce.storage.db,
      directory,
      srfs: link.srfs,
      realm: ctx.cfg.presence.domain,
      clock: ctx.clock,
      bus: announce.bus,
      log: componentLogger(ctx.logger, 'registrar'),
      algorithms: ctx.cfg.presence.digestAlgorithms,
    });
    const closeDb = ctx.hooks['close-database'];
    ctx.hooks['close-database'] = async () => {
      await registrar.stop();
      await closeDb?.();
    };
    presence = await startPresence(ctx, announce, directory, link.srfs);
  } else if (ctx.cfg.presence.server !== undefined && link.srfs[0]) {
    // External presence server: availability follows the agents' published presence.
    watcher = await startPresenceBridge({
      srf: link.srfs[0],
      presenceServer: ctx.cfg.presence.server,
      domain: ctx.cfg.presence.domain,
      subscribeExpiresS: ctx.cfg.presence.subscribeExpiresS,
      directory,
      agentState,
      clock: ctx.clock,
      logger: componentLogger(ctx.logger, 'presence-watcher'),
    });
  }
  ctx.hooks['disconnect-sip'] = () => link.disconnect(); // replaced below once the app is registered
  ctx.readiness.register('sip', sipCheck(link));
  const calls = await startCalls({
    ...ctx,
    storage: announce.storage,
    bus: announce.bus,
    directory,
    agentState,
  });
  ctx.activity = calls.activity(ctx.activity);
  ctx.revokeOffer = (agentId, offerId) => calls.coordinator.revokeOffer(agentId, offerId);
  const closeCalls = ctx.hooks['drain-bus'];
  ctx.hooks['drain-bus'] = async () => {
    calls.close();
    await closeCalls?.();
  };
  const app = registerRouterApp(link.srfs, {
    lookup: calls.lookup,
    log,
    startCall: calls.startCall,
    ...(calls.admitInbound ? { admitInbound: calls.admitInbound } : {}),
  });
  if (link.srfs[0]) ctx.gateways?.startHealthChecks(link.srfs[0]);
  // Not ready once shutdown stops admitting, so load balancers and probes move on first.
  ctx.readiness.register('admission', () => {
    const state = app.admission.state;
    return state === 'open' ? true : { ready: false, detail: `admission ${state}` };
  });
  ctx.hooks['stop-admitting'] = () => stopAdmitting(ctx, app, announce);
  ctx.hooks['drain-calls'] = () => ctx.activity.whenCallsIdle();
  ctx.hooks['terminate-subscriptions'] = async () => {
    // RFC 6665 §4.2.2: watchers get a final NOTIFY (terminated;reason=deactivated) while SIP is still up.
    await presence?.close();
    await watcher?.stop(); // RFC 6665 §4.1.2.3: un-subscribe from the external presence server
    ctx.gateways?.stop(); // no more OPTIONS pings
    await ctx.activity.terminateSubscriptions();
  };
  // Customers' presence of queues and services (issue 6), on the same srfs; wraps terminate-subscriptions.
  await startQueuePresence({ ...ctx, ...announce, directory, srfs: link.srfs, presenceServer: presence });
  ctx.hooks['disconnect-sip'] = () => {
    if (app.admission.state !== 'closed') app.admission.apply('close');
    return link.disconnect();
  };
  return targets;
}

/**
 * The embedded presence server (PUBLISH, RFC 3903; SUBSCRIBE to presence/dialog, RFC 3856/4235/6665)
 * on every srf, challenging with the registrar's realm and cluster-wide nonce secret (RFC 3261 §22.4),
 * so one agent's credentials serve REGISTER, PUBLISH and SUBSCRIBE alike.
 */
async function startPresence(
  ctx: Context,
  { storage, bus }: { storage: DatabaseHandle; bus: EventBus },
  directory: AgentDirectory,
  srfs: readonly Srf[],
): Promise<PresenceServer> {
  const domain = ctx.cfg.presence.domain;
  // Busy lamps (RFC 4235) and on-the-phone (RFC 4480) follow the calls on the bus.
  const log = componentLogger(ctx.logger, 'presence');
  const calls = await startCallState({ bus, directory, domain, clock: ctx.clock, hooks: ctx.hooks, log });
  // RFC 8760 §3 prefers SHA-256, but the presence server's 401 carries only its first challenge
  // (presence/server/sip/sip-reply.ts) and sip.js, srf and baresip 1.0 digest with MD5 only: MD5 first.
  const digest = new DigestAuthenticator({
    realm: domain,
    secret: await nonceSecret(storage.db),
    clock: ctx.clock,
    algorithms: ['MD5', 'SHA-256'],
  });
  const credentials = { ha1Of: async (user: string) => (await directory.credentialsFor(user))?.ha1 };
  const server = new PresenceServer({
    options: { domains: [domain] },
    clock: ctx.clock,
    authenticator: digestPresenceAuthenticator(digest, credentials, domain),
    directory: { isPresentity: async (aor) => (await directory.agentForAor(aor)) !== undefined },
    calls,
    overlay: overlayFromCalls(calls),
    log,
  });
  for (const srf of srfs) server.attach(srf);
  return server;
}

function sipCheck(link: SrfLink): ReadinessCheck {
  return () => {
    const { connected, expected } = link.status();
    return connected === expected
      ? true
      : { ready: false, detail: `${connected}/${expected} drachtio servers connected` };
  };
}

/** New INVITEs get 503 + Retry-After from now on; the cluster and the audit log hear we are going. */
async function stopAdmitting(
  ctx: Context,
  app: RouterApp,
  announce: { storage: DatabaseHandle; bus: EventBus },
): Promise<void> {
  if (app.admission.state === 'open') app.admission.apply('drain');
  ctx.logger.info({ activeCalls: ctx.activity.activeCalls() }, 'admission closed to new calls');
  const reason = 'shutdown';
  await record(ctx, 'system.stopping', { reason }, announce.storage);
  await announce.bus.publish(EVENTS.systemStopping, { reason }, ctx.cfg.node.id).catch((err: unknown) => {
    ctx.logger.warn({ error: describeError(err) }, 'could not publish system.stopping');
  });
}

/** The agent directory: seeded from the config's agents (idempotent), served at /api/v1/agents. */
async function startDirectory(ctx: Context, storage: DatabaseHandle, bus: EventBus): Promise<AgentDirectory> {
  const { directory, seeded } = await startAgentDirectory({
    db: storage.db,
    agents: ctx.cfg.agents,
    realm: ctx.cfg.presence.domain,
    clock: ctx.clock,
    bus,
  });
  ctx.logger.info({ seeded }, 'agent directory ready');
  return directory;
}

/**
 * The agents' state machines: one serial writer per agent, rows in agent_state_transitions, bus
 * events; registrations feed device counts. Closed before the bus drains.
 */
function startAgentState(
  ctx: Context,
  storage: DatabaseHandle,
  bus: EventBus,
  directory: AgentDirectory,
): AgentStateService {
  const logger = componentLogger(ctx.logger, 'agent-state');
  const service = new AgentStateService({
    clock: ctx.clock,
    bus,
    store: createTransitionStore(storage.db),
    logger,
    onRevokeOffer: (agentId, offerId) => ctx.revokeOffer?.(agentId, offerId),
    lookup: async (id) => {
      try {
        return toAgentConfig(await directory.get(id));
      } catch (err) {
        if (err instanceof AgentNotFoundError) return undefined;
        throw err;
      }
    },
  });
  const unsubscribe = feedDeviceChanges(bus, service, logger);
  const drainBus = ctx.hooks['drain-bus'];
  ctx.hooks['drain-bus'] = async () => {
    unsubscribe();
    await service.close();
    await drainBus?.();
  };
  return service;
}

async function startHttp(
  ctx: Context,
  bus: EventBus,
  directory: AgentDirectory,
  agentState: AgentStateService,
): Promise<string> {
  const { cfg, readiness, clock, version } = ctx;
  const app = await buildHttp(cfg, {
    logger: ctx.logger,
    bus,
    readiness,
    clock,
    version,
    metrics: ctx.metrics,
  });
  if (ctx.gateways) registerGatewayRoutes(app, ctx.gateways);
  registerAgentRoutes(app, directory);
  registerAgentStateRoutes(app, agentState);
  ctx.records?.registerRoutes(app);
  ctx.hooks['close-http'] = () => app.close();
  return listenHttp(app, cfg);
}

/** Gateways from the config and the database; admission reads them in memory. */
function startGatewayService(ctx: Context, storage: DatabaseHandle, bus: EventBus): Promise<RunningGateways> {
  const logger = componentLogger(ctx.logger, 'gateways');
  const metrics = createGatewayMetrics(ctx.metrics.registry);
  return startGateways({ cfg: ctx.cfg, db: storage.db, bus, clock: ctx.clock, logger, metrics });
}

/** Appends a node event; a failure is logged, never fatal (the database check reports health). */
async function record(ctx: Context, type: string, data: JsonValue, storage: DatabaseHandle): Promise<void> {
  try {
    await createNodeEventLog(storage.db, ctx.clock).append(ctx.cfg.node.id, type, data);
  } catch (err) {
    ctx.logger.warn({ type, error: describeError(err) }, 'could not record node event');
  }
}

async function announceStarted(ctx: Context, parts: Parts): Promise<void> {
  const sip = parts.sip.endpoints.map(formatEndpoint);
  const where = sip.length > 0 ? sip.join(' ') : `via drachtio ${parts.sip.servers.join(' ')}`;
  ctx.logger.info(
    {
      sip,
      sipMode: parts.sip.mode,
      admin: parts.sip.adminPort,
      drachtio: parts.sip.servers,
      http: parts.httpUrl,
      database: describeDatabase(ctx.cfg),
      bus: parts.bus.kind,
      version: ctx.version,
    },
    `patchbay started: SIP ${where}, HTTP ${parts.httpUrl}`,
  );
  const data = { version: ctx.version, pid: process.pid };
  await record(ctx, 'system.started', { ...data, sip, http: parts.httpUrl }, parts.storage);
  await parts.bus.publish(EVENTS.systemStarted, data, ctx.cfg.node.id).catch((err: unknown) => {
    ctx.logger.warn({ error: describeError(err) }, 'could not publish system.started');
  });
}
