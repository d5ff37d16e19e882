/** createBus(): NATS when a URL is configured, the in-process bus otherwise. */
import { MemoryBus } from './memory-bus.js';
import { NatsBus } from './nats-bus.js';
import type { CreateBusOptions, EventBus } from './types.js';

export async function createBus(opts: CreateBusOptions): Promise<EventBus> {
  const logger = opts.logger !== undefined ? { logger: opts.logger } : {};
  if (opts.url !== undefined && opts.url !== '') {
    return NatsBus.connect({ url: opts.url, nodeId: opts.nodeId, ...logger });
  }
  return new MemoryBus({ nodeId: opts.nodeId, ...logger });
}
