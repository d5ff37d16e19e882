/**
 * The world the hostile-input tests attack: a SIP engine in its own process (so a crash shows as
 * an exited process, and its heap is measured alone) with a drachtio-srf UAS app connected. The
 * app answers INVITEs to `sip:call@…` with 200 + SDP and every other INVITE with 480, REGISTER and
 * OPTIONS with 200, BYE with 200.
 */
import type { EngineConfig } from '../sip-engine/config.js';
import { EngineProcess, loopbackEngineConfig } from './engine-process.js';
import { freePort } from './ports.js';
import { connectSrf, disconnectSrf, Srf } from './srf-app.js';
import { waitFor } from './wait.js';

export const UAS_SDP = [
  'v=0',
  'o=hostile-uas 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 30000 RTP/AVP 0',
  '',
].join('\r\n');

export interface UasCounters {
  invites: number;
  answered200: number;
  byes: number;
  other: number;
}

/** Asked first for every INVITE; returns true when it answered the request itself. */
export type InviteHook = (req: Srf.SrfRequest, res: Srf.SrfResponse) => boolean;

export interface HostileWorld {
  engine: EngineProcess;
  srf: Srf;
  counters: UasCounters;
  srfErrors: Error[];
  /** Set by a test to answer some INVITEs its own way. */
  inviteHook: { current: InviteHook | undefined };
  stop(): Promise<void>;
}

type Handler = (req: Srf.SrfRequest, res: Srf.SrfResponse) => void;
/** srf delegates every SIP verb to its app; the bundled typings only declare `invite`. */
type Verbs = Record<'bye' | 'register' | 'options', (h: Handler) => void>;

/** Engine limits for hostile tests: no per-source rate limit, short timers so state drains fast. */
export async function hostileEngineConfig(
  extraContacts: readonly string[] = [],
  idleTimeoutMs = 60000,
): Promise<EngineConfig> {
  const port = await freePort();
  return loopbackEngineConfig([`sip:127.0.0.1:${port};transport=udp,tcp`, ...extraContacts], 0, {
    timers: { t1Ms: 50, t2Ms: 400, t4Ms: 500 },
    limits: {
      maxMessageBytes: 65535,
      maxConnections: 2000,
      idleTimeoutMs,
      perSourceRequestsPerSecond: 0,
      maxPendingTransactions: 50000,
    },
  });
}

export function attachUas(
  srf: Srf,
  hook: { current: InviteHook | undefined } = { current: undefined },
): UasCounters {
  const counters: UasCounters = { invites: 0, answered200: 0, byes: 0, other: 0 };
  srf.invite((req, res) => {
    counters.invites++;
    if (hook.current?.(req, res)) return;
    if (req.uri.startsWith('sip:call@')) {
      counters.answered200++;
      res.send(200, { body: UAS_SDP, headers: { 'Content-Type': 'application/sdp' } });
    } else res.send(480);
  });
  const verbs = srf as unknown as Verbs;
  verbs.bye((_req, res) => {
    counters.byes++;
    res.send(200);
  });
  const ok: Handler = (_req, res) => {
    counters.other++;
    res.send(200);
  };
  verbs.register(ok);
  verbs.options(ok);
  return counters;
}

export async function startHostileWorld(config: EngineConfig): Promise<HostileWorld> {
  const engine = await EngineProcess.spawn(config);
  const srf = new Srf();
  const srfErrors: Error[] = [];
  try {
    await connectSrf(
      srf,
      { port: engine.adminPort, secret: 'cymru', reconnect: { maxAttempts: 1 } },
      srfErrors,
    );
  } catch (err) {
    await engine.stop();
    throw err;
  }
  const inviteHook: { current: InviteHook | undefined } = { current: undefined };
  const counters = attachUas(srf, inviteHook);
  return {
    engine,
    srf,
    counters,
    srfErrors,
    inviteHook,
    stop: async () => {
      await disconnectSrf(srf).catch(() => undefined);
      await engine.stop();
    },
  };
}

/** Waits (bounded) until the engine holds no transactions, pending requests or dialogs. */
export async function engineDrained(engine: EngineProcess, timeoutMs: number): Promise<boolean> {
  return waitFor(
    async () => {
      const s = await engine.stats();
      const t = s.transactions;
      return t.client + t.server + s.pendingRequests + s.clientRequests + s.dialogs === 0;
    },
    { timeoutMs, intervalMs: 200, what: 'engine drained' },
  ).catch(() => false);
}
