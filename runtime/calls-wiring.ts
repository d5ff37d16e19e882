/**
 * Wiring of inbound call control (issue 5) for the composition root: the call coordinator over the
 * agent state service, the directory's skills and personal customers, the registrar's bindings
 * (an agent's devices), and the bus; the INVITE handler's entry points, gateway admission
 * (`srfAdmitInbound(gateways.service)`: with no gateway at all — config and database — every
 * source is admitted and the gateway service warns once) and call-control step, with overflow
 * dialled through the gateways' outbound plan; the drain phase's view of calls in progress.
 */
import type { PatchbayConfig } from '../config/index.js';
import { EVENTS } from '../infra/bus/index.js';
import type { EventBus } from '../infra/bus/index.js';
import type { DatabaseHandle } from '../infra/db/index.js';
import type { Logger } from '../infra/telemetry/index.js';
import type { AgentDirectory } from '../router/agents/agent-directory.js';
import type { AgentStateService } from '../router/agent-state/index.js';
import { CallCoordinator } from '../router/calls/call-coordinator.js';
import type { AgentFacts } from '../router/calls/call-ports.js';
import { entryPointTable } from '../router/calls/model/entry-point-schema.js';
import { bindingTargets, createStartCall } from '../router/calls/sip/start-call.js';
import { noDialOut } from '../router/calls/sip/dial-out.js';
import type { DialOut } from '../router/calls/sip/dial-out.js';
import { srfAdmitInbound } from '../gateways/index.js';
import { staticEntryPoints } from '../router/model/entry-points.js';
import type { EntryPointLookup } from '../router/model/entry-points.js';
import type { QueueSpecData } from '../router/queues/model/queue-schema.js';
import type { AdmitInbound, StartCall } from '../router/sip/invite-handler.js';
import { createBindingStore } from '../presence/registrar/index.js';
import type { Clock } from '../sip-engine/util/clock.js';
import type { RouterActivity } from './activity.js';
import type { RunningGateways } from './gateways-wiring.js';
import { overflowDialer } from './overflow-dialer.js';
import { startHoldMedia } from './hold-media-wiring.js';

/** One overflow attempt rings this long before it is CANCELled and the next gateway tried. */
const OVERFLOW_ATTEMPT_TIMEOUT_MS = 30_000;

export interface CallsWiring {
  readonly coordinator: CallCoordinator;
  readonly lookup: EntryPointLookup;
  readonly startCall: StartCall;
  /** Gateway admission; undefined without a gateway service (every source accepted). */
  readonly admitInbound?: AdmitInbound;
  /** The drain phase waits for calls in progress; `base` keeps the subscriptions part. */
  activity(base: RouterActivity): RouterActivity;
  close(): void;
}

export interface CallsWiringDeps {
  readonly cfg: PatchbayConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly storage: DatabaseHandle;
  readonly bus: EventBus;
  readonly directory: AgentDirectory;
  readonly agentState: AgentStateService;
  /** Inbound admission and the outbound plan; absent: any source, overflow unreachable (503). */
  readonly gateways?: RunningGateways;
  /** Overrides the overflow dialer (default: through `gateways`). */
  readonly dialOut?: DialOut;
}

/** One agent's routing facts into `out` (removed when the agent is gone from the directory). */
async function loadFact(directory: AgentDirectory, id: string, out: Map<string, AgentFacts>): Promise<void> {
  try {
    const a = await directory.get(id);
    out.set(id, {
      skills: new Map(a.skills.map((s) => [s.skill, s.level])),
      personalCustomers: new Set(a.personalCustomers),
    });
  } catch {
    out.delete(id); // an agent deleted through the API: routed without skills
  }
}

/**
 * Skills and personal customers of every agent, kept current from `directory.agent.changed` (a
 * personal customer linked through the API counts from the next decision on).
 */
async function followFacts(
  d: CallsWiringDeps,
  ids: readonly string[],
): Promise<{ facts: Map<string, AgentFacts>; stop: () => void }> {
  const facts = new Map<string, AgentFacts>();
  for (const id of ids) await loadFact(d.directory, id, facts);
  const stop = d.bus.subscribe(`${EVENTS.agentDirectoryChanged.type}.*`, (env) => {
    void loadFact(d.directory, env.topic.slice(EVENTS.agentDirectoryChanged.type.length + 1), facts);
  });
  return { facts, stop };
}

export async function startCalls(d: CallsWiringDeps): Promise<CallsWiring> {
  const log = d.logger.child({ component: 'calls' });
  const queues = d.cfg.queues as readonly QueueSpecData[];
  const { facts, stop: unfollow } = await followFacts(
    d,
    d.cfg.agents.map((a) => a.id),
  );
  const coordinator = new CallCoordinator({
    clock: d.clock,
    bus: d.bus,
    agents: d.agentState,
    facts: (id) => facts.get(id),
    queues,
    log,
    reconcileIntervalMs: d.cfg.calls.reconcileIntervalS * 1000,
  });
  await coordinator.start();
  const service = d.gateways?.service;
  const hold = await startHoldMedia({ ...d, coordinator, log });
  const bindings = createBindingStore(d.storage.db);
  const startCall = createStartCall({
    coordinator,
    log,
    devicesOf: async (agentId) =>
      bindingTargets(await bindings.listByAgent(agentId, d.clock.wallNow().getTime())),
    dialOut: d.dialOut ?? (service ? overflowDialer(service, OVERFLOW_ATTEMPT_TIMEOUT_MS) : noDialOut),
    ...(hold ? { holdOf: hold.holdOf } : {}),
    sessionExpiresS: d.cfg.calls.sessionExpiresS,
  });
  const admitInbound = service ? srfAdmitInbound(service) : undefined;
  return {
    coordinator,
    lookup: staticEntryPoints(entryPointTable(d.cfg.entryPoints)),
    startCall,
    ...(admitInbound ? { admitInbound } : {}),
    activity: (base) => ({
      activeCalls: () => coordinator.activeCalls() + base.activeCalls(),
      whenCallsIdle: async () => {
        await Promise.all([coordinator.whenIdle(), base.whenCallsIdle()]);
      },
      terminateSubscriptions: () => base.terminateSubscriptions(),
    }),
    close: () => {
      unfollow();
      coordinator.close();
      hold?.close();
    },
  };
}
