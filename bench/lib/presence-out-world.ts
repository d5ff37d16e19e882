/**
 * The world of `bench:presence-out`: patchbay's side is presence/queue-presence as `patchbay start`
 * wires it in external presence mode (runtime/queue-presence-wiring.ts: QueuePresence fed by the
 * bus, the queue SUBSCRIBE route as the srf's one SUBSCRIBE handler, NOTIFYs through
 * srfNotifyChannels) in this process, on a sip-engine in its own process; the customers are
 * drachtio-srf UAC apps in one or more watcher processes (queue-watchers.ts), each with its own
 * sip-engine, all over UDP on 127.0.0.1. Every NOTIFY's answer is timed here, on patchbay's side.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MemoryBus } from '../../infra/bus/memory-bus.js';
import { CALL_EVENTS } from '../../infra/bus/call-events.js';
import { connectSrf } from '../../infra/drachtio/srf-connection.js';
import type { Srf } from '../../infra/drachtio/srf-connection.js';
import {
  feedQueuePresence,
  QueuePresence,
  queueSubscribeRoute,
} from '../../presence/queue-presence/index.js';
import {
  DEFAULT_SUBSCRIPTION,
  dispatchSubscribe,
  notServedHandler,
  silentLogger,
  srfNotifyChannels,
} from '../../presence/server/index.js';
import type { NotifyChannelFactory, NotifyResult } from '../../presence/server/index.js';
import { systemClock } from '../../sip-engine/util/clock.js';
import { EngineProcess } from '../../test-support/engine-process.js';
import { freePort } from '../../test-support/ports.js';
import type { IpcChild } from './ipc-child.js';
import { forkIpcChild } from './ipc-child.js';
import type { WatchersCommand, WatchersReport } from './queue-watchers.js';
import { benchEngineConfig } from './worlds.js';

export const DOMAIN = 'cc.example.com';
export const QUEUE = 'sales';
/** The presence resource of the queue (model/resources.ts). */
export const RESOURCE = `queue:${QUEUE}`;
const WATCHERS_FILE = fileURLToPath(new URL('./queue-watchers.ts', import.meta.url));

/** Answers to NOTIFYs since the last reset, timed with performance.now(). */
export class NotifyTally {
  delivered = 0;
  failed = 0;
  gone = 0;
  /** performance.now() of every answer (delivered or not). */
  readonly answeredAt: number[] = [];

  get answered(): number {
    return this.delivered + this.failed + this.gone;
  }

  reset(): void {
    this.delivered = this.failed = this.gone = 0;
    this.answeredAt.length = 0;
  }

  record(r: NotifyResult): void {
    this.answeredAt.push(performance.now());
    if (r.kind === 'delivered') this.delivered++;
    else if (r.kind === 'gone') this.gone++;
    else this.failed++;
  }
}

export interface PresenceOutWorld {
  readonly engine: EngineProcess;
  readonly presence: QueuePresence;
  readonly tally: NotifyTally;
  readonly watchers: readonly IpcChild<WatchersCommand, WatchersReport>[];
  /** sip:sales@cc.example.com and patchbay's engine, as the watchers address them. */
  readonly target: { uri: string; proxy: string };
  /** Publishes a queue.state event with `depth` callers waiting (every call changes the document). */
  change(depth: number): Promise<void>;
  stop(): Promise<void>;
}

/** srfNotifyChannels, with every NOTIFY's answer recorded in `tally`. */
function timedChannels(tally: NotifyTally): (srf: Srf) => NotifyChannelFactory {
  return (srf) => {
    const inner = srfNotifyChannels(srf);
    return (ctx) => {
      const channel = inner(ctx);
      return {
        send: async (m) => {
          const r = await channel.send(m);
          tally.record(r);
          return r;
        },
      };
    };
  };
}

function queuePresence(bus: MemoryBus, minIntervalS: number): QueuePresence {
  const presence = new QueuePresence({
    domain: DOMAIN,
    queues: [
      {
        id: QUEUE,
        presence: {
          users: [QUEUE],
          access: 'public',
          denied: 'forbidden',
          notes: { en: 'Sales team' },
          offerCallbacks: true,
        },
      },
    ],
    minIntervalS,
    clock: systemClock,
  });
  feedQueuePresence(bus, presence);
  return presence;
}

export async function startPresenceOutWorld(o: {
  watcherProcesses: number;
  minIntervalS: number;
  /** Extra node flags of the engine process (e.g. `--cpu-prof`). */
  engineExecArgv?: string[];
}): Promise<PresenceOutWorld> {
  const engine = await EngineProcess.spawn(benchEngineConfig(await freePort()), {
    execArgv: o.engineExecArgv ?? [],
  });
  const srf = await connectSrf({ host: '127.0.0.1', port: engine.adminPort, secret: 'cymru' });
  const bus = new MemoryBus({ nodeId: 'bench', clock: systemClock });
  const presence = queuePresence(bus, o.minIntervalS);
  const tally = new NotifyTally();
  const route = queueSubscribeRoute({
    presence,
    authenticator: undefined,
    expires: DEFAULT_SUBSCRIPTION,
    maxPerResource: 20_000,
    channels: timedChannels(tally),
    log: silentLogger,
  });
  srf.subscribe(dispatchSubscribe(srf, () => [route], notServedHandler));
  const watchers = await Promise.all(
    Array.from({ length: o.watcherProcesses }, () =>
      forkIpcChild<WatchersCommand, WatchersReport>(WATCHERS_FILE),
    ),
  );
  return {
    engine,
    presence,
    tally,
    watchers,
    target: { uri: `sip:${QUEUE}@${DOMAIN}`, proxy: `sip:127.0.0.1:${engine.port('udp')};transport=udp` },
    change: (depth) =>
      bus.publish(
        CALL_EVENTS.queueState,
        {
          queueId: QUEUE,
          open: true,
          accepting: true,
          depth,
          longestWaitMs: depth * 1000,
          availableAgents: 0,
          loggedInAgents: 4,
          at: new Date().toISOString(),
        },
        QUEUE,
      ),
    stop: async () => {
      // Shutdown as patchbay does it: deactivated to every watcher (answered), then the rest.
      await presence.close().catch(() => undefined);
      await Promise.all(watchers.map((w) => w.ask({ op: 'stop' }, 'stopped').catch(() => undefined)));
      srf.disconnect();
      await engine.stop();
      await bus.drain();
    },
  };
}
