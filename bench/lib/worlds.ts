/**
 * One benchmark world: the engine in its own process, an srf app in this process connected to it,
 * and (B2BUA mode) the UDP port the far-end SIPp UAS listens on.
 */
import { createSocket } from 'node:dgram';
import type { EngineConfig } from '../../sip-engine/config.js';
import { EngineProcess, loopbackEngineConfig } from '../../test-support/engine-process.js';
import { freePort } from '../../test-support/ports.js';
import { waitFor } from '../../test-support/wait.js';
import type { RunningApp } from './srf-apps.js';
import { startB2buaApp, startUasApp } from './srf-apps.js';

export type BenchMode = 'uas' | 'b2bua';

export interface World {
  mode: BenchMode;
  engine: EngineProcess;
  app: RunningApp;
  /** host:port SIPp's UAC sends to (the engine's UDP endpoint). */
  engineTarget: string;
  /** B2BUA mode: where the SIPp UAS listens; each step moves it to a fresh port (newUasPort). */
  uasPort: number | undefined;
  newUasPort(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/**
 * The engine's configuration for the benchmark: defaults, except that the per-source request rate
 * limit is off (all load comes from one address) and the transaction cap is raised so that
 * INVITE server transactions lingering in RFC 6026 "Accepted" (Timer L = 64·T1 = 32 s) do not turn
 * into 503s at high rates. Both are reported in the results.
 */
export function benchEngineConfig(sipPort: number): EngineConfig {
  return loopbackEngineConfig([`sip:127.0.0.1:${sipPort};transport=udp,tcp`], 0, {
    limits: {
      maxMessageBytes: 65535,
      maxConnections: 10000,
      idleTimeoutMs: 60000,
      perSourceRequestsPerSecond: 0,
      maxPendingTransactions: 500000,
    },
  });
}

export async function startWorld(mode: BenchMode, execArgv: string[] = []): Promise<World> {
  const sipPort = await freePort();
  const engine = await EngineProcess.spawn(benchEngineConfig(sipPort), { execArgv });
  let app: RunningApp;
  try {
    app =
      mode === 'uas'
        ? await startUasApp(engine.adminPort)
        : await startB2buaApp(engine.adminPort, () => `sip:uas@127.0.0.1:${String(world.uasPort)}`);
  } catch (err) {
    await engine.stop();
    throw err;
  }
  const world: World = {
    mode,
    engine,
    app,
    engineTarget: `127.0.0.1:${engine.port('udp')}`,
    uasPort: undefined,
    // Stray retransmissions from a previous step must not land on the next step's UAS.
    newUasPort: async () => {
      world.uasPort = mode === 'b2bua' ? await freePort() : undefined;
      return world.uasPort;
    },
    stop: async () => {
      await app.stop().catch(() => undefined);
      await engine.stop();
    },
  };
  return world;
}

/** True once something (the SIPp UAS) holds UDP `port` on 127.0.0.1. */
function udpPortTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(true);
    });
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });
}

export function waitForUdpListener(port: number, timeoutMs = 5000): Promise<boolean> {
  return waitFor(() => udpPortTaken(port), { timeoutMs, intervalMs: 20, what: `a UDP listener on ${port}` });
}
