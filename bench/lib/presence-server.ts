/**
 * The presence server for `bench:presence-in`, run as its own process (`node --import tsx`): a
 * sip-engine in this process and a drachtio-srf app on it that plays an external presence server
 * (RFC 3856): answers every SUBSCRIBE with 200 + Expires and the immediate NOTIFY (RFC 6665
 * §4.2.1.2), keeps the dialogs, and on command from the parent (IPC) sends one NOTIFY per watched
 * presentity with a PIDF body (RFC 3863 + RPID, RFC 4480), paced at a given rate.
 * Reports each NOTIFY's send time (epoch ms, sub-ms) so the parent can also measure send → event.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_ENGINE_CONFIG } from '../../sip-engine/config.js';
import { startEngine } from '../../sip-engine/engine.js';
import { pidfBody } from '../../test-support/fake-subscription-transport.js';
import { connectSrf } from '../../infra/drachtio/srf-connection.js';
import type { Srf, SrfDialog } from '../../infra/drachtio/srf-connection.js';

/** Parent → child. */
export type ServerCommand =
  | { op: 'burst'; id: number; rate: number; basic: 'open' | 'closed' }
  | { op: 'usage'; id: number }
  | { op: 'stop'; id: number };

/** Child → parent. */
export type ServerReport =
  | { kind: 'ready'; port: number }
  | { kind: 'subscribed'; count: number }
  | {
      kind: 'burst-done';
      id: number;
      sent: number;
      failed: number;
      sentAt: Record<string, number>;
      sendSeconds: number;
    }
  | { kind: 'usage'; id: number; cpuMs: number; rssMb: number }
  | { kind: 'stopped'; id: number };

const EXPIRES_S = 3600;
/** What this file needs of srf's Dialog#request (its callback gets the final response). */
type DialogRequest = (
  opts: { method: 'NOTIFY'; headers: Record<string, string>; body: string },
  cb: (err: unknown, res: { status: number } | undefined) => void,
) => void;

interface Watched {
  uri: string;
  request: DialogRequest;
}

function requestOf(dialog: SrfDialog): DialogRequest {
  return dialog.request.bind(dialog) as unknown as DialogRequest;
}
const watched = new Map<string, Watched>();

const now = (): number => performance.timeOrigin + performance.now();
const send = (r: ServerReport): void => void process.send?.(r);

function notifyHeaders(): Record<string, string> {
  return {
    Event: 'presence',
    'Subscription-State': `active;expires=${EXPIRES_S}`,
    'Content-Type': 'application/pidf+xml',
  };
}

/** RFC 3856 §6.6, RFC 4480: `away` activity with basic closed, or plain open. */
function body(uri: string, basic: 'open' | 'closed'): string {
  return basic === 'open'
    ? pidfBody('open', { entity: uri })
    : pidfBody('closed', { entity: uri, activities: ['away'] });
}

function serve(srf: Srf): void {
  srf.subscribe((req, res) => {
    const uri = req.uri;
    srf.createUAS(
      req,
      res,
      { localSdp: '', headers: { Expires: String(EXPIRES_S) } },
      (err: unknown, dialog) => {
        if (err) return;
        const request = requestOf(dialog);
        watched.set(uri, { uri, request });
        dialog.on('destroy', () => watched.delete(uri));
        // RFC 6665 §4.2.1.2: the notifier sends a NOTIFY at once.
        request({ method: 'NOTIFY', headers: notifyHeaders(), body: body(uri, 'closed') }, () => undefined);
        if (watched.size % 500 === 0) send({ kind: 'subscribed', count: watched.size });
      },
    );
  });
}

function notifyOne(w: Watched, basic: 'open' | 'closed', sentAt: Record<string, number>): Promise<boolean> {
  return new Promise((resolve) => {
    sentAt[w.uri] = now();
    w.request({ method: 'NOTIFY', headers: notifyHeaders(), body: body(w.uri, basic) }, (err, res) => {
      resolve(!err && res !== undefined && res.status >= 200 && res.status < 300);
    });
  });
}

/** One NOTIFY per watched presentity at `rate` per second (ticks of 10 ms). */
async function burst(cmd: Extract<ServerCommand, { op: 'burst' }>): Promise<void> {
  const all = [...watched.values()];
  const sentAt: Record<string, number> = {};
  const pending: Promise<boolean>[] = [];
  const started = performance.now();
  let i = 0;
  while (i < all.length) {
    const due = Math.min(all.length, Math.ceil(((performance.now() - started) / 1000) * cmd.rate) + 1);
    for (; i < due; i++) {
      const w = all[i];
      if (w) pending.push(notifyOne(w, cmd.basic, sentAt));
    }
    if (i < all.length) await new Promise((r) => setTimeout(r, 10));
  }
  const sendSeconds = (performance.now() - started) / 1000;
  const results = await Promise.all(pending);
  const failed = results.filter((ok) => !ok).length;
  send({ kind: 'burst-done', id: cmd.id, sent: all.length, failed, sentAt, sendSeconds });
}

async function main(): Promise<void> {
  const engine = await startEngine({
    ...DEFAULT_ENGINE_CONFIG,
    contacts: [{ uri: 'sip:127.0.0.1:0;transport=udp' }],
    admin: { address: '127.0.0.1', port: 0, secret: 'cymru' },
    limits: {
      ...DEFAULT_ENGINE_CONFIG.limits,
      perSourceRequestsPerSecond: 0,
      maxPendingTransactions: 500000,
    },
  });
  const srf = await connectSrf({ host: '127.0.0.1', port: engine.adminPort, secret: 'cymru' });
  serve(srf);
  const cpu0 = process.cpuUsage();
  process.on('message', (m: ServerCommand) => {
    if (m.op === 'burst') void burst(m);
    else if (m.op === 'usage') {
      const c = process.cpuUsage(cpu0);
      send({
        kind: 'usage',
        id: m.id,
        cpuMs: (c.user + c.system) / 1000,
        rssMb: process.memoryUsage().rss / 1048576,
      });
    } else if (m.op === 'stop') {
      srf.disconnect();
      void engine.stop().then(() => {
        send({ kind: 'stopped', id: m.id });
        process.exit(0);
      });
    }
  });
  const udp = engine.sipEndpoints.find((e) => e.protocol === 'udp');
  send({ kind: 'ready', port: udp?.port ?? 0 });
}

void main();
