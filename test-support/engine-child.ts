/**
 * Child-process entry that runs one SIP engine (`startEngine`) for benchmarks and hostile-input
 * tests, so the engine's memory and CPU are measured apart from the apps and load generators.
 * Spawned by engine-process.ts with `--expose-gc --import tsx`; the EngineConfig arrives as JSON in
 * PATCHBAY_ENGINE_CONFIG. Talks to its parent over the IPC channel (see ChildRequest/ChildReply).
 */
import { Socket as UdpSocket } from 'node:dgram';
import { PerformanceObserver } from 'node:perf_hooks';
import type { EngineConfig } from '../sip-engine/config.js';
import { startEngine } from '../sip-engine/engine.js';
import type { EngineHandle } from '../sip-engine/engine.js';
import type { ChildReply, ChildRequest, MemorySample } from './engine-protocol.js';
import { isChildRequest } from './engine-protocol.js';

function send(msg: ChildReply): void {
  process.send?.(msg);
}

/** GC pauses as the engine's event loop saw them (perf_hooks 'gc' entries). */
const gcSeen = { totalMs: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcSeen.totalMs += e.duration;
    gcSeen.maxMs = Math.max(gcSeen.maxMs, e.duration);
  }
}).observe({ entryTypes: ['gc'] });

/** Heap figures after two full collections (needs --expose-gc; without it, as they are). */
function memory(gc: boolean): MemorySample {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (gc && collect) {
    collect();
    collect();
  }
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  const maxPause = gcSeen.maxMs;
  gcSeen.maxMs = 0;
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    gcRan: gc && !!collect,
    cpuMs: (cpu.user + cpu.system) / 1000,
    gcTotalMs: Math.round(gcSeen.totalMs),
    gcMaxPauseMs: Math.round(maxPause),
  };
}

async function handle(engine: EngineHandle, req: ChildRequest): Promise<void> {
  try {
    if (req.op === 'memory') send({ type: 'reply', id: req.id, value: memory(req.gc) });
    else if (req.op === 'stats') send({ type: 'reply', id: req.id, value: engine.stats() });
    else {
      await engine.stop();
      send({ type: 'reply', id: req.id, value: null });
      process.disconnect?.();
    }
  } catch (err) {
    send({ type: 'reply', id: req.id, error: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * Benchmark experiment (PATCHBAY_UDP_RCVBUF=bytes): give every UDP socket the engine binds a larger
 * kernel receive buffer (SO_RCVBUF, capped by net.core.rmem_max), to show whether datagrams dropped
 * at the engine's socket limit the call rate. The engine itself is not changed.
 */
function enlargeUdpReceiveBuffers(bytes: number): void {
  const proto = UdpSocket.prototype as unknown as {
    bind: (this: UdpSocket, ...args: unknown[]) => UdpSocket;
  };
  const bind = proto.bind;
  proto.bind = function (this: UdpSocket, ...args: unknown[]) {
    this.once('listening', () => this.setRecvBufferSize(bytes));
    return bind.apply(this, args);
  };
}

async function main(): Promise<void> {
  const rcvbuf = Number(process.env.PATCHBAY_UDP_RCVBUF ?? 0);
  if (rcvbuf > 0) enlargeUdpReceiveBuffers(rcvbuf);
  const raw = process.env.PATCHBAY_ENGINE_CONFIG;
  if (!raw) throw new Error('PATCHBAY_ENGINE_CONFIG is not set');
  const config = JSON.parse(raw) as EngineConfig;
  const engine = await startEngine(config);
  process.on('message', (m: unknown) => {
    if (isChildRequest(m)) void handle(engine, m);
  });
  // The parent going away ends the engine too: no orphan keeps ports bound.
  process.on('disconnect', () => {
    void engine.stop().finally(() => process.exit(0));
  });
  send({
    type: 'ready',
    pid: process.pid,
    adminPort: engine.adminPort,
    endpoints: engine.sipEndpoints.map((e) => ({ protocol: e.protocol, address: e.address, port: e.port })),
  });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  process.disconnect?.();
});
