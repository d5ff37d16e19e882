/**
 * One test file's world for end-to-end engine tests: a started engine (every SIP port and the admin
 * port picked by the OS, loopback only), the srf apps connected to it, and whatever else the test
 * starts (SIPp, sip.js agents). `teardown` stops everything in reverse order of start, the engine
 * last, so tap exits and the next test starts clean.
 */
import Srf from 'drachtio-srf';
import { DEFAULT_ENGINE_CONFIG } from '../../sip-engine/config.js';
import type { EngineConfig } from '../../sip-engine/config.js';
import { startEngine } from '../../sip-engine/engine.js';
import type { LocalEngineHandle } from '../../sip-engine/engine.js';
import type { SipProtocol } from '../../sip-engine/message/types.js';
import type { LocalEndpoint } from '../../sip-engine/transport/types.js';
import { connectSrf, disconnectSrf } from '../../test-support/srf-app.js';
import { waitFor } from '../../test-support/wait.js';

export interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface WorldOptions {
  transports: readonly SipProtocol[];
  /** RFC 3261 §17.1.1.1 T1 (T2 = 8·T1, T4 = 10·T1); 500 ms by default. */
  t1Ms?: number;
  /** The transport's short idle limit (`limits.idleTimeoutMs`); the engine default otherwise. */
  idleTimeoutMs?: number;
}

export interface EngineWorld {
  handle: LocalEngineHandle;
  /** The bound endpoint of a transport (the OS picked its port). */
  endpoint(protocol: SipProtocol): LocalEndpoint;
  /** `127.0.0.1:<port>` of a transport, as SIPp's remote or a URI's hostport. */
  hostport(protocol: SipProtocol): string;
  /** Connects an srf app; `setup` adds its handlers first; resolves once the engine has `verbs` routed. */
  connectApp(setup?: (srf: Srf) => void, verbs?: readonly string[]): Promise<Srf>;
  /** Registers a clean-up that runs before the engine stops (last registered, first run). */
  defer(fn: () => unknown): void;
  /** Errors srf apps emitted (an unhandled 'error' would kill the test process). */
  appErrors: Error[];
}

const SECRET = 'e2e-secret';

function engineConfig(opts: WorldOptions): EngineConfig {
  const t1 = opts.t1Ms ?? 500;
  return {
    ...DEFAULT_ENGINE_CONFIG,
    contacts: [{ uri: `sip:127.0.0.1:0;transport=${opts.transports.join(',')}` }],
    admin: { address: '127.0.0.1', port: 0, secret: SECRET },
    timers: { t1Ms: t1, t2Ms: 8 * t1, t4Ms: 10 * t1 },
    limits: {
      ...DEFAULT_ENGINE_CONFIG.limits,
      idleTimeoutMs: opts.idleTimeoutMs ?? DEFAULT_ENGINE_CONFIG.limits.idleTimeoutMs,
    },
  };
}

async function runAll(fns: (() => unknown)[]): Promise<void> {
  for (const fn of fns.reverse()) {
    try {
      await fn();
    } catch {
      // Clean-up keeps going: one failing stop must not leave the rest running.
    }
  }
}

export async function startEngineWorld(t: Teardown, opts: WorldOptions): Promise<EngineWorld> {
  const handle = await startEngine(engineConfig(opts));
  const cleanups: (() => unknown)[] = [];
  t.teardown(async () => {
    await runAll(cleanups);
    await handle.stop();
  });
  const appErrors: Error[] = [];
  const endpoint = (protocol: SipProtocol): LocalEndpoint => {
    const e = handle.sipEndpoints.find((x) => x.protocol === protocol);
    if (!e) throw new Error(`the engine has no ${protocol} endpoint`);
    return e;
  };
  return {
    handle,
    endpoint,
    hostport: (protocol) => `127.0.0.1:${endpoint(protocol).port}`,
    defer: (fn) => cleanups.push(fn),
    appErrors,
    connectApp: async (setup = () => undefined, verbs = []) => {
      const srf = new Srf();
      setup(srf);
      await connectSrf(
        srf,
        { port: handle.adminPort, secret: SECRET, reconnect: { maxAttempts: 1 } },
        appErrors,
      );
      cleanups.push(() => disconnectSrf(srf));
      await waitFor(() => verbs.every((v) => handle.routedVerbs().includes(v)), {
        timeoutMs: 5000,
        what: `routes ${verbs.join(',')}`,
      });
      return srf;
    },
  };
}

/** A plain SDP answer/offer for srf legs (no media flows in these tests). */
export function appSdp(sessionId: number, port: number): string {
  return [
    'v=0',
    `o=patchbay ${sessionId} 1 IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP 0`,
    'a=rtpmap:0 PCMU/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

/** Ends an srf dialog with BYE and resolves once the BYE was answered (srf's destroy callback). */
export function hangUp(dialog: Srf.Dialog): Promise<void> {
  return new Promise((resolve, reject) => {
    dialog.destroy(undefined, (err: unknown) =>
      err ? reject(err instanceof Error ? err : new Error(`BYE failed: ${JSON.stringify(err)}`)) : resolve(),
    );
  });
}
