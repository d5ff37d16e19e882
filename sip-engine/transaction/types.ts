/**
 * CONTRACT: the transaction layer (RFC 3261 §17), implemented in transaction/transaction-layer.ts as
 * class TransactionLayer, with one state machine per file: client-invite.ts (ICT, §17.1.1),
 * client-non-invite.ts (NICT, §17.1.2), server-invite.ts (IST, §17.2.1 + RFC 6026 Accepted state),
 * server-non-invite.ts (NIST, §17.2.2). Matching per §17.1.3 and §17.2.3 (incl. RFC 2543 fallback).
 *
 * The layer owns retransmissions and timers A–K for non-2xx traffic. 2xx-to-INVITE retransmission
 * (timer G/H for the UAS) and ACK re-sending for UAC are done by the dialog layer (core/), exactly
 * as drachtio does, because they are end-to-end per RFC 3261 §13.3.1.4 and §13.2.2.4.
 */
import type { SipMessage } from '../message/sip-message.js';
import type { InboundMessage, RemoteTarget, SendResult } from '../transport/types.js';

export interface TransactionTimersConfig {
  /** RTT estimate, default 500. */
  t1Ms: number;
  /** Max retransmit interval for non-INVITE requests and INVITE responses, default 4000. */
  t2Ms: number;
  /** Max time a message remains in the network, default 5000. */
  t4Ms: number;
}

export type ServerTransactionState =
  | 'trying'
  | 'proceeding'
  | 'accepted'
  | 'completed'
  | 'confirmed'
  | 'terminated';
export type ClientTransactionState =
  | 'calling'
  | 'trying'
  | 'proceeding'
  | 'accepted'
  | 'completed'
  | 'terminated';

export interface ServerTransaction {
  /** Unique key (branch + sent-by + method, §17.2.3). */
  readonly key: string;
  readonly request: InboundMessage;
  readonly isInvite: boolean;
  readonly state: ServerTransactionState;
  /** The last response sent (for retransmission on request retransmits). */
  readonly lastResponse: SipMessage | undefined;
  /**
   * Sends a response through the state machine. Provisional: stays in proceeding. Final non-2xx:
   * completed (retransmits on UDP per timer G until ACK; timer H; then confirmed/terminated).
   * 2xx to INVITE: accepted (RFC 6026 §8.7), retransmission of the 2xx is the TU's job.
   */
  respond(response: SipMessage): Promise<SendResult>;
  /** Fires once when the transaction terminates (for any reason). */
  onTerminated(listener: (reason: 'normal' | 'timeout' | 'transport-error') => void): void;
}

export interface ClientTransactionHandlers {
  /** Every response passed up to the TU (provisional and final; for INVITE also 2xx retransmissions). */
  onResponse(response: InboundMessage, txn: ClientTransaction): void;
  /** Timer B/F fired: the TU should act as if a 408 was received (§8.1.3.1). */
  onTimeout(txn: ClientTransaction): void;
  /** Transport failure: act as if a 503 was received (§8.1.3.1). */
  onTransportError(error: Error, txn: ClientTransaction): void;
}

export interface ClientTransaction {
  readonly key: string;
  readonly request: SipMessage;
  readonly target: RemoteTarget;
  readonly isInvite: boolean;
  readonly state: ClientTransactionState;
  /** Resolves once the first copy has been handed to the transport (with the actual local endpoint). */
  readonly sent: Promise<SendResult>;
}

export interface TransactionLayerEvents {
  /** A new request that matched no server transaction. `txn` is undefined for ACK (2xx ACKs go to the dialog layer). */
  request(inbound: InboundMessage, txn: ServerTransaction | undefined): void;
  /** A CANCEL (its own NIST already created, not yet answered) and the INVITE server transaction it matches, if any (§9.2). */
  cancel(inbound: InboundMessage, cancelTxn: ServerTransaction, inviteTxn: ServerTransaction | undefined): void;
  /** A response that matched no client transaction (stray 2xx retransmission, or to be forwarded statelessly). */
  strayResponse(inbound: InboundMessage): void;
}

export interface TransactionLayerApi {
  on<E extends keyof TransactionLayerEvents>(event: E, listener: TransactionLayerEvents[E]): void;
  /** Entry point for everything the transport layer receives. */
  receive(inbound: InboundMessage): void;
  /**
   * Starts a client transaction. The request must already carry its top Via with a fresh branch
   * (the caller builds Via from transport.selectEndpoint). ACK for 2xx is NOT sent through here:
   * use sendStateless.
   */
  sendRequest(request: SipMessage, target: RemoteTarget, handlers: ClientTransactionHandlers): ClientTransaction;
  /** Sends a message outside any transaction (2xx ACK, stateless 100/400/503, stateless forwarding). */
  sendStateless(message: SipMessage, target: RemoteTarget): Promise<SendResult>;
  /** Where to send a response per RFC 3261 §18.2.2 / RFC 3581 §4 (received/rport, maddr, connection). */
  responseTarget(request: InboundMessage): RemoteTarget;
  /** Count of live transactions (for limits and metrics). */
  readonly size: { client: number; server: number };
  stop(): void;
}
