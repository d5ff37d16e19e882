/**
 * Everything the core's handlers share: the layers below, the stores, and small helpers to talk to
 * apps. Handlers are plain functions of this context (one concern per file); engine-core.ts builds
 * it once.
 */
import type { AppConnection, AppServerApi, CommandResponder, ProxyCommand, SipFrame } from '../app/types.js';
import type { EngineConfig } from '../config.js';
import type { TransactionLayerApi, ServerTransaction } from '../transaction/types.js';
import type { InboundMessage, TransportLayerApi } from '../transport/types.js';
import type { Clock } from '../util/clock.js';
import type { DialogStore } from './dialog-store.js';
import type { CoreLogger } from './logger.js';
import type { CoreMetrics } from './metrics-port.js';
import type { UacEvents, UacLegStore } from './uac-leg.js';
import type { UasLegStore } from './uas-leg.js';

/** The stateful proxy core (sip-engine/proxy), as the core drives it (spec §3.8). */
export interface ProxyPort {
  start(
    inbound: InboundMessage,
    txn: ServerTransaction,
    cmd: ProxyCommand,
    responder: CommandResponder,
  ): void;
  /** An upstream CANCEL for a proxied INVITE; true when the proxy took it. */
  handleCancel(inviteTxn: ServerTransaction): boolean;
  /**
   * §3.2 step 4: a record-routed in-dialog request to forward; true when taken. With `txn` (every
   * request but ACK) the proxy relays through a client transaction and answers `txn` with what
   * comes back; without it (ACK) it forwards statelessly (RFC 3261 §16.11).
   */
  tryStatelessForward(inbound: InboundMessage, txn?: ServerTransaction): boolean;
  /** §3.2 step 10: a response matching no transaction; true when the proxy forwarded it. */
  handleResponse(inbound: InboundMessage): boolean;
  /** RFC 3262: a PRACK for a reliable 1xx the proxy relayed; true when the proxy forwarded it. */
  handlePrack?(inbound: InboundMessage, txn: ServerTransaction): boolean;
}

export interface CoreContext {
  readonly transport: TransportLayerApi;
  readonly transactions: TransactionLayerApi;
  readonly app: AppServerApi;
  readonly clock: Clock;
  readonly config: EngineConfig;
  readonly logger: CoreLogger;
  readonly metrics: CoreMetrics;
  readonly dialogs: DialogStore;
  readonly uas: UasLegStore;
  readonly uac: UacLegStore;
  /** The one UacEvents object every UacLeg reports to. */
  readonly uacEvents: UacEvents;
  readonly proxy: ProxyPort | undefined;
}

/** Sends a `sip` frame to an app; false (and a debug line) when the app has gone. */
export function deliver(ctx: CoreContext, conn: AppConnection, frame: SipFrame): boolean {
  if (!conn.open) return false;
  const sent = ctx.app.sendSip(conn, frame);
  if (!sent) ctx.logger.debug({ app: conn.id }, 'app connection gone, sip frame dropped');
  return sent;
}
