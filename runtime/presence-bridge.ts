/**
 * External presence mode: watch every agent's presence URI on the configured presence server
 * (presence/watcher) and feed the availability policy's verdict (presence/policy) into the agent
 * state service, so availability follows presence (design §4 flow 2).
 */
import type { Srf } from '../infra/drachtio/srf-connection.js';
import type { Logger } from '../infra/telemetry/index.js';
import { presenceAvailability } from '../presence/policy/availability.js';
import { createSrfPresenceWatcher } from '../presence/watcher/index.js';
import type { PresenceSnapshot, PresenceWatcher } from '../presence/watcher/index.js';
import type { AgentStateService } from '../router/agent-state/index.js';
import type { AgentDirectory } from '../router/agents/agent-directory.js';
import type { Clock } from '../sip-engine/util/clock.js';

export interface PresenceBridgeOptions {
  srf: Srf;
  presenceServer: string;
  domain: string;
  subscribeExpiresS: number;
  directory: AgentDirectory;
  agentState: AgentStateService;
  clock: Clock;
  logger: Logger;
}

/** Starts watching; resolves with the watcher (stop() un-subscribes everything). */
export async function startPresenceBridge(o: PresenceBridgeOptions): Promise<PresenceWatcher> {
  const agentByUri = new Map<string, string>();
  for (const agent of await o.directory.list()) {
    if (agent.presenceUri) agentByUri.set(agent.presenceUri, agent.id);
  }
  const watcher = createSrfPresenceWatcher(o.srf, {
    from: `sip:patchbay@${o.domain}`,
    presenceServer: o.presenceServer,
    clock: o.clock,
    watcher: { clock: o.clock, log: o.logger, options: { expiresS: o.subscribeExpiresS } },
  });
  watcher.onPresence((snapshot) => {
    const agentId = agentByUri.get(snapshot.uri);
    if (agentId) void apply(o, agentId, snapshot);
  });
  watcher.onStatus((status) => o.logger.info({ status }, 'presence subscription'));
  watcher.watch([...agentByUri.keys()]);
  o.logger.info({ watched: agentByUri.size, server: o.presenceServer }, 'watching agents presence');
  return watcher;
}

async function apply(o: PresenceBridgeOptions, agentId: string, snapshot: PresenceSnapshot): Promise<void> {
  const verdict = presenceAvailability(snapshot.document, o.clock.wallNow().getTime());
  try {
    const basic = snapshot.basic === 'open' ? 'open' : 'closed';
    await o.agentState.setPresenceDetail(agentId, { basic, activities: snapshot.activities });
    const r = await o.agentState.submit(agentId, {
      type: 'presence-changed',
      available: verdict.available,
      ...(verdict.reason !== undefined ? { reason: verdict.reason } : {}),
    });
    if (!r.ok && r.code !== 'no-change') o.logger.info({ agentId, code: r.code }, 'presence change refused');
  } catch (err) {
    o.logger.warn({ agentId, err }, 'presence change not applied');
  }
}
