/**
 * The call state behind the embedded presence server's busy lamps (RFC 4235 dialog package) and
 * `on-the-phone` (RFC 4480): a BusCallStateSource over the bus's call and agent events, with the
 * agents' AORs from the directory. It stops following the bus before the bus drains.
 */
import type { EventBus } from '../infra/bus/index.js';
import { BusCallStateSource } from '../presence/call-state/index.js';
import type { AgentAorDirectory } from '../presence/call-state/index.js';
import type { PresenceLogger } from '../presence/server/index.js';
import type { AgentDirectory } from '../router/agents/agent-directory.js';
import { AgentNotFoundError } from '../router/agents/index.js';
import type { Clock } from '../sip-engine/util/clock.js';
import type { ShutdownHooks } from './shutdown.js';

export interface CallStateWiring {
  readonly bus: EventBus;
  readonly directory: AgentDirectory;
  readonly domain: string;
  readonly clock: Clock;
  readonly hooks: ShutdownHooks;
  readonly log: PresenceLogger;
}

function aorDirectory(directory: AgentDirectory): AgentAorDirectory {
  return {
    list: async () => (await directory.list()).map(({ id, aors }) => ({ id, aors })),
    find: async (agentId) => {
      try {
        const { id, aors } = await directory.get(agentId);
        return { id, aors };
      } catch (err) {
        if (err instanceof AgentNotFoundError) return undefined;
        throw err;
      }
    },
  };
}

export async function startCallState(w: CallStateWiring): Promise<BusCallStateSource> {
  const source = await BusCallStateSource.start({
    bus: w.bus,
    directory: aorDirectory(w.directory),
    domains: [w.domain],
    clock: w.clock,
    log: w.log,
  });
  const drainBus = w.hooks['drain-bus'];
  w.hooks['drain-bus'] = async () => {
    source.stop();
    await drainBus?.();
  };
  return source;
}
