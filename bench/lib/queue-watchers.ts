/**
 * Customers watching a queue, for `bench:presence-out`, run as their own process (`node --import
 * tsx`, forked by presence-out-world.ts): a sip-engine in this process and a drachtio-srf app on it
 * whose UAC dialogs SUBSCRIBE (Event: presence, RFC 6665 §4.1.2) to the queue's presence URI
 * through patchbay's engine (UDP) and answer every NOTIFY 200 (RFC 6665 §4.1.3), counting them.
 * The parent drives it over IPC (ipc-child.ts): `subscribe` adds watchers at a paced rate.
 */
import { performance } from 'node:perf_hooks';
import { startEngine } from '../../sip-engine/engine.js';
import { freePort } from '../../test-support/ports.js';
import { connectSrf, Srf } from '../../test-support/srf-app.js';
import { QueueWatcher } from '../../presence/queue-presence/testing/queue-watcher.js';
import { processUsage, stopChild } from './ipc-child.js';
import { benchEngineConfig } from './worlds.js';

/** Parent → child. */
export type WatchersCommand =
  | {
      op: 'subscribe';
      id: number;
      /** Watchers are named sip:w<first…first+count-1>@customers.example. */
      first: number;
      count: number;
      rate: number;
      uri: string;
      proxy: string;
    }
  | { op: 'usage'; id: number }
  | { op: 'stop'; id: number };

/** Child → parent. */
export type WatchersReport =
  | { kind: 'ready'; port: number }
  | { kind: 'subscribed'; id: number; ok: number; refused: Record<string, number> }
  | { kind: 'usage'; id: number; cpuMs: number; rssMb: number; watchers: number; notifies: number }
  | { kind: 'stopped'; id: number };

const watchers: QueueWatcher[] = [];
const send = (r: WatchersReport): void => void process.send?.(r);

async function subscribe(srf: Srf, cmd: Extract<WatchersCommand, { op: 'subscribe' }>): Promise<void> {
  const refused: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  const started = performance.now();
  let i = 0;
  while (i < cmd.count) {
    const due = Math.min(cmd.count, Math.ceil(((performance.now() - started) / 1000) * cmd.rate) + 1);
    for (; i < due; i++) {
      const from = `sip:w${cmd.first + i}@customers.example`;
      const sub = QueueWatcher.subscribe(srf, {
        uri: cmd.uri,
        proxy: cmd.proxy,
        from,
        headers: { Expires: '3600' },
        keepNotifies: false,
      });
      pending.push(
        sub.then((w) => {
          if (typeof w !== 'number') watchers.push(w);
          else refused[String(w)] = (refused[String(w)] ?? 0) + 1;
        }),
      );
    }
    if (i < cmd.count) await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(pending);
  send({
    kind: 'subscribed',
    id: cmd.id,
    ok: cmd.count - Object.values(refused).reduce((a, b) => a + b, 0),
    refused,
  });
}

async function main(): Promise<void> {
  const engine = await startEngine(benchEngineConfig(await freePort()));
  const srf = new Srf();
  await connectSrf(srf, { port: engine.adminPort, secret: 'cymru', reconnect: { maxAttempts: 1 } });
  const cpu0 = process.cpuUsage();
  process.on('message', (m: WatchersCommand) => {
    if (m.op === 'subscribe') return void subscribe(srf, m);
    if (m.op === 'stop') return stopChild(srf, engine, () => send({ kind: 'stopped', id: m.id }));
    const notifies = watchers.reduce((n, w) => n + w.received, 0);
    send({ kind: 'usage', id: m.id, ...processUsage(cpu0), watchers: watchers.length, notifies });
  });
  const udp = engine.sipEndpoints.find((e) => e.protocol === 'udp');
  send({ kind: 'ready', port: udp?.port ?? 0 });
}

void main();
