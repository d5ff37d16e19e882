/** One proxied request wired to fakes, for the proxy's unit tests. */
import type { ProxyCommand } from '../../app/types.js';
import type { SipMessage } from '../../message/sip-message.js';
import { FakeClock } from '../../util/clock.js';
import { ProxyCore } from '../proxy-core.js';
import {
  CONFIG,
  FakeServerTxn,
  FakeTransactions,
  FakeTransportLayer,
  RecordingResponder,
  UPSTREAM,
  flush,
  inboundOf,
  proxyCommand,
  upstreamRequest,
} from './fakes.js';

export interface Harness {
  clock: FakeClock;
  transport: FakeTransportLayer;
  transactions: FakeTransactions;
  core: ProxyCore;
  txn: FakeServerTxn;
  responder: RecordingResponder;
  warnings: unknown[][];
}

export interface HarnessOptions {
  request?: SipMessage;
  cmd?: Partial<ProxyCommand>;
  headers?: string[];
}

/** Builds the fakes and a ProxyCore (no request started). */
export function makeCore(): Omit<Harness, 'txn' | 'responder'> {
  const clock = new FakeClock();
  const transport = new FakeTransportLayer();
  const transactions = new FakeTransactions();
  const warnings: unknown[][] = [];
  const logger = { debug: () => undefined, warn: (...a: unknown[]) => warnings.push(a) };
  const core = new ProxyCore({ transport, transactions, clock, config: CONFIG, logger, random: () => 0.25 });
  return { clock, transport, transactions, core, warnings };
}

/** Starts proxying an upstream request to `destinations` and lets the branches go out. */
export async function startProxy(destinations: string[], opts: HarnessOptions = {}): Promise<Harness> {
  const base = makeCore();
  const inbound = inboundOf(opts.request ?? upstreamRequest(), UPSTREAM);
  const txn = new FakeServerTxn(inbound);
  const responder = new RecordingResponder();
  base.core.start(inbound, txn, proxyCommand(destinations, opts.cmd, opts.headers), responder);
  await flush();
  return { ...base, txn, responder };
}
