/**
 * The engine core: drachtio semantics between the transaction layer and the app server. It
 * implements EngineCommandHandler (commands from apps) and listens to the transaction layer
 * (messages from the network), dispatching each to one small handler module.
 *
 * Command dispatch (spec §2.5): a response → uas.ts; `sip||<dialogId>` → in-dialog-out.ts; CANCEL
 * with a txn id → uac.ts onAppCancel; other requests → uac.ts onAppNewRequest; `proxy` → the proxy
 * core with the pending request's server transaction (§3.8).
 */
import { nokReply } from '../app/frames.js';
import type {
  AppConnection,
  AppServerApi,
  CommandResponder,
  EngineCommand,
  EngineCommandHandler,
  ProxyCommand,
  SipCommand,
} from '../app/types.js';
import type { EngineConfig } from '../config.js';
import type { TransactionLayerApi } from '../transaction/types.js';
import type { TransportLayerApi } from '../transport/types.js';
import type { Clock } from '../util/clock.js';
import { parseAppSip } from './app-message.js';
import { onCancel } from './cancel-in.js';
import type { CoreContext, ProxyPort } from './context.js';
import { DialogStore } from './dialog-store.js';
import { NokReason } from './errors.js';
import { onAppInDialogRequest } from './in-dialog-out.js';
import type { CoreLogger } from './logger.js';
import { silentLogger } from './logger.js';
import type { CoreMetrics } from './metrics-port.js';
import { noMetrics } from './metrics-port.js';
import { onMalformed, onNetworkRequest, onStrayResponse } from './network-in.js';
import { onAppResponse } from './uas.js';
import { onAppCancel, onAppNewRequest } from './uac.js';
import { UacLegStore } from './uac-leg.js';
import type { UacEvents, UacLeg } from './uac-leg.js';
import { onUacFailure } from './uac-failure.js';
import { onUacResponse } from './uac-responses.js';
import { UasLegStore } from './uas-leg.js';

export interface EngineCoreDeps {
  transport: TransportLayerApi;
  transactions: TransactionLayerApi;
  app: AppServerApi;
  clock: Clock;
  config: EngineConfig;
  logger?: CoreLogger;
  metrics?: CoreMetrics;
  proxy?: ProxyPort;
}

export interface CoreStats {
  dialogs: number;
  pendingRequests: number;
  clientRequests: number;
}

export class EngineCore implements EngineCommandHandler {
  readonly ctx: CoreContext;

  constructor(deps: EngineCoreDeps) {
    const holder: { ctx?: CoreContext } = {};
    const events: UacEvents = {
      response: (leg: UacLeg, inbound) => {
        if (holder.ctx) onUacResponse(holder.ctx, leg, inbound);
      },
      failure: (leg: UacLeg, status, error) => {
        if (holder.ctx) onUacFailure(holder.ctx, leg, status, error);
      },
    };
    const ctx: CoreContext = {
      transport: deps.transport,
      transactions: deps.transactions,
      app: deps.app,
      clock: deps.clock,
      config: deps.config,
      logger: deps.logger ?? silentLogger,
      metrics: deps.metrics ?? noMetrics,
      dialogs: new DialogStore(),
      uas: new UasLegStore(),
      uac: new UacLegStore(),
      uacEvents: events,
      proxy: deps.proxy,
    };
    holder.ctx = ctx;
    this.ctx = ctx;
    const c = ctx;
    deps.transactions.on('request', (inbound, txn) => onNetworkRequest(c, inbound, txn));
    deps.transactions.on('cancel', (inbound, cancelTxn, inviteTxn) =>
      onCancel(c, inbound, cancelTxn, inviteTxn),
    );
    deps.transactions.on('strayResponse', (inbound) => onStrayResponse(c, inbound));
    deps.transport.on('malformed', (m) => onMalformed(c, m));
  }

  handleCommand(conn: AppConnection, command: EngineCommand, responder: CommandResponder): void {
    try {
      if (command.type === 'proxy') this.#proxy(command, responder);
      else this.#sip(conn, command, responder);
    } catch (err) {
      this.ctx.logger.error({ err, type: command.type }, 'command failed');
      responder.reply(nokReply('internal error'));
    }
  }

  /** §3.9: nothing is torn down when an app goes; its confirmed dialogs answer 481 from now on. */
  connectionClosed(conn: AppConnection): void {
    this.ctx.logger.debug({ app: conn.id }, 'app connection closed');
  }

  stats(): CoreStats {
    return {
      dialogs: this.ctx.dialogs.size,
      pendingRequests: this.ctx.uas.size,
      clientRequests: this.ctx.uac.size,
    };
  }

  /** Stops every timer the core holds (dialogs, pending requests); nothing more is sent. */
  stop(): void {
    for (const d of this.ctx.dialogs.values()) d.clearJobs();
    for (const leg of this.ctx.uas.values()) leg.stopTimers();
  }

  #sip(conn: AppConnection, cmd: SipCommand, responder: CommandResponder): void {
    const parsed = parseAppSip(cmd.sip);
    if (!parsed.ok) return responder.reply(nokReply(NokReason.invalidMessage));
    const msg = parsed.value;
    const ctx = this.ctx;
    if (!msg.isRequest) return onAppResponse(ctx, conn, cmd, msg, responder);
    if (cmd.dialogId) return onAppInDialogRequest(ctx, conn, cmd, msg, responder);
    if (msg.method === 'CANCEL' && cmd.txnId) return onAppCancel(ctx, cmd, msg, responder);
    if (msg.method === 'ACK') return responder.reply(nokReply(NokReason.ackForNonSuccess));
    if (msg.method === 'PRACK' || msg.method === 'CANCEL')
      return responder.reply(nokReply(NokReason.noDialog));
    onAppNewRequest(ctx, conn, cmd, msg, responder);
  }

  /** §2.3, §3.8: proxy a pending request; the leg leaves the pending store. */
  #proxy(cmd: ProxyCommand, responder: CommandResponder): void {
    const ctx = this.ctx;
    const leg = ctx.uas.get(cmd.txnId);
    if (!ctx.proxy || !leg?.open || leg.kind !== 'initial') {
      return responder.reply(nokReply(NokReason.unknownProxyTransaction(cmd.txnId)));
    }
    leg.to('proxied');
    ctx.uas.remove(leg);
    ctx.proxy.start(leg.inbound, leg.txn, cmd, responder);
  }
}
