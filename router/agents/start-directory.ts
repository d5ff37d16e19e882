/**
 * Wiring for the composition root: the agent directory over the database, seeded from the
 * config's `agents` (idempotent; a seeding failure names the agent and stops the start-up).
 * The realm is the registrar's (presence.domain), since HA1 depends on it.
 */
import type { EventBus } from '../../infra/bus/index.js';
import type { Db } from '../../infra/db/index.js';
import type { Clock } from '../../sip-engine/util/clock.js';
import { AgentDirectory } from './agent-directory.js';
import type { SeedReport } from './agent-directory.js';
import type { AgentConfigInput } from './model/agent-schema.js';
import { createAgentRepository } from './store/agent-repository.js';

export interface StartDirectoryOptions {
  db: Db;
  agents: readonly AgentConfigInput[];
  realm: string;
  clock: Pick<Clock, 'wallNow'>;
  bus?: EventBus;
}

export async function startAgentDirectory(
  o: StartDirectoryOptions,
): Promise<{ directory: AgentDirectory; seeded: SeedReport }> {
  const directory = new AgentDirectory({
    repo: createAgentRepository(o.db),
    realm: o.realm,
    clock: o.clock,
    ...(o.bus ? { bus: o.bus } : {}),
  });
  const seeded = await directory.seed(o.agents);
  return { directory, seeded };
}
