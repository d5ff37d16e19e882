/**
 * The smallest engine that exercises the proxy over real SIP: the real transport and transaction
 * layers on 127.0.0.1, and the glue the engine core provides (100 Trying, spec §3.2 steps 4 and
 * 10, CANCEL → 200 + handleCancel). Every INVITE is proxied with the command given. Test-only.
 */
import type { CommandReply, ProxyCommand } from '../../app/types.js';
import { DEFAULT_ENGINE_CONFIG, type EngineConfig } from '../../config.js';
import { TransactionLayer } from '../../transaction/transaction-layer.js';
import { TransportLayer } from '../../transport/transport-layer.js';
import { systemClock } from '../../util/clock.js';
import { ProxyCore } from '../proxy-core.js';
import { buildLocalResponse } from '../request-builder.js';

export interface MiniEngine {
  core: ProxyCore;
  replies: CommandReply[];
  /** Frames as `continue:<status>`, `done`, `NOK:<text>`. */
  summary(): string[];
  stop(): Promise<void>;
}

function summarize(r: CommandReply): string {
  if (r.status !== 'OK') return `${r.status}:${r.tokens[0] ?? ''}`;
  if (r.tokens[0] === 'done') return 'done';
  return `continue:${/^SIP\/2\.0 (\d+)/.exec(r.sip ?? '')?.[1] ?? '?'}`;
}

export async function startMiniEngine(
  port: number,
  command: Omit<ProxyCommand, 'sip' | 'type' | 'txnId'>,
): Promise<MiniEngine> {
  const config: EngineConfig = {
    ...DEFAULT_ENGINE_CONFIG,
    contacts: [{ uri: `sip:127.0.0.1:${port};transport=udp` }],
  };
  const transport = new TransportLayer({
    endpoints: [{ protocol: 'udp', address: '127.0.0.1', port }],
    limits: config.limits,
    clock: systemClock,
  });
  const transactions = new TransactionLayer({ transport, clock: systemClock, timers: config.timers });
  const warnings: unknown[][] = [];
  const core = new ProxyCore({
    transport,
    transactions,
    clock: systemClock,
    config,
    logger: { debug: () => undefined, warn: (...a: unknown[]) => warnings.push(a) },
  });
  const replies: CommandReply[] = [];
  transport.on('message', (m) => transactions.receive(m));
  transactions.on('request', (inbound, txn) => {
    if (core.tryStatelessForward(inbound, txn) || !txn) return;
    if (inbound.message.method !== 'INVITE') return;
    void txn.respond(buildLocalResponse(inbound.message, 100, 'Trying'));
    const sip = `INVITE ${command.destinations[0] ?? ''} SIP/2.0\r\nX-Proxied-By: patchbay\r\n\r\n`;
    core.start(
      inbound,
      txn,
      { ...command, type: 'proxy', txnId: 'mini', sip },
      { reply: (r) => replies.push(r) },
    );
  });
  transactions.on('cancel', (inbound, cancelTxn, inviteTxn) => {
    void cancelTxn.respond(buildLocalResponse(inbound.message, inviteTxn ? 200 : 481));
    if (inviteTxn) core.handleCancel(inviteTxn);
  });
  transactions.on('strayResponse', (inbound) => core.handleStrayResponse(inbound));
  await transport.start();
  return {
    core,
    replies,
    summary: () => replies.map(summarize),
    stop: async () => {
      core.stop();
      transactions.stop();
      await transport.stop();
    },
  };
}
