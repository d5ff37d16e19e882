/**
 * Test harness for srf-on-engine tests: starts engines on free loopback ports (torn down with the
 * test) and connects real drachtio-srf apps to them. An srf UAC app on one engine calling an srf
 * UAS app on another exercises both halves of the engine over plain loopback SIP.
 */
import Srf from 'drachtio-srf';
import { DEFAULT_ENGINE_CONFIG } from '../config.js';
import type { EngineConfig } from '../config.js';
import { startEngine } from '../engine.js';
import type { LocalEngineHandle } from '../engine.js';
import { freePort } from '../../test-support/ports.js';
import { waitFor } from '../../test-support/wait.js';

export interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface TestEngine {
  handle: LocalEngineHandle;
  /** SIP port shared by every transport of the engine. */
  sipPort: number;
  secret: string;
  /** `sip:user@127.0.0.1:<port>;transport=<protocol>` on this engine. */
  uri(user: string, protocol?: 'udp' | 'tcp'): string;
}

export interface EngineOverrides {
  t1Ms?: number;
  cdrs?: boolean;
  sessionTimer?: EngineConfig['sessionTimer'];
  optionsPingUserAgent?: string;
  maxPendingTransactions?: number;
}

export async function startTestEngine(t: Teardown, o: EngineOverrides = {}): Promise<TestEngine> {
  const sipPort = await freePort();
  const t1 = o.t1Ms ?? 500;
  const config: EngineConfig = {
    ...DEFAULT_ENGINE_CONFIG,
    contacts: [{ uri: `sip:127.0.0.1:${sipPort};transport=udp,tcp` }],
    admin: { address: '127.0.0.1', port: 0, secret: 'test-secret' },
    timers: { t1Ms: t1, t2Ms: Math.max(t1 * 8, 4 * t1), t4Ms: t1 * 10 },
    limits: { ...DEFAULT_ENGINE_CONFIG.limits, maxPendingTransactions: o.maxPendingTransactions ?? 50000 },
    sessionTimer: o.sessionTimer ?? DEFAULT_ENGINE_CONFIG.sessionTimer,
    cdrs: o.cdrs ?? false,
    ...(o.optionsPingUserAgent !== undefined ? { optionsPingUserAgent: o.optionsPingUserAgent } : {}),
  };
  const handle = await startEngine(config);
  t.teardown(() => handle.stop());
  return {
    handle,
    sipPort,
    secret: 'test-secret',
    uri: (user, protocol = 'udp') =>
      `sip:${user}@127.0.0.1:${sipPort}${protocol === 'udp' ? '' : ';transport=tcp'}`,
  };
}

/** A drachtio-srf instance typed loosely enough for tests (srf's own typings omit most of it). */
export type TestSrf = Srf & {
  [verb in 'options' | 'register' | 'subscribe' | 'publish' | 'message' | 'info' | 'notify']: (
    handler: (req: Srf.SrfRequest, res: Srf.SrfResponse) => void,
  ) => void;
};

/**
 * Connects an srf app; `setup` registers its handlers before connecting (so its `route` commands
 * precede any traffic) and the promise resolves once the engine has every route.
 */
export async function connectApp(
  t: Teardown,
  eng: TestEngine,
  setup: (srf: TestSrf) => void = () => undefined,
  verbs: string[] = [],
): Promise<TestSrf> {
  const srf = new Srf() as TestSrf;
  setup(srf);
  const connected = new Promise<void>((resolve, reject) => {
    srf.on('connect', (err: Error | undefined) => (err ? reject(err) : resolve()));
  });
  srf.on('error', () => undefined);
  void srf.connect({ host: '127.0.0.1', port: eng.handle.adminPort, secret: eng.secret });
  t.teardown(() => srf.disconnect());
  await connected;
  if (verbs.length) {
    await waitFor(() => verbs.every((v) => eng.handle.routedVerbs().includes(v)), {
      what: `routes ${verbs.join(',')}`,
    });
  }
  return srf;
}

export const SDP_A = [
  'v=0',
  'o=alice 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 10000 RTP/AVP 0',
  'a=sendrecv',
  '',
].join('\r\n');

export const SDP_B = SDP_A.replace('alice', 'bob').replace('10000', '20000');

/** srf's Dialog emits `destroy(req, reason)` and `unsubscribe(req)`; its typings know neither form. */
export function onDialog(
  d: Srf.Dialog,
  event: 'destroy' | 'unsubscribe',
  fn: (req: unknown, reason?: string) => void,
): void {
  (d as unknown as NodeJS.EventEmitter).on(event, fn);
}

/** srf's `res.send(status, opts, callback, fnPrack)`: fnPrack runs when the PRACK (or ACK) arrives. */
export function sendReliable(res: Srf.SrfResponse, status: number, opts: object, onPrack: () => void): void {
  const loose = res as unknown as { send(s: number, o: object, cb: undefined, fnPrack: () => void): void };
  loose.send(status, opts, undefined, onPrack);
}
