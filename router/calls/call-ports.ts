/**
 * The seams between the call coordinator (domain, no SIP) and what it drives:
 *
 *   CallControl   one per call, implemented by the SIP layer (sip/inbound-call.ts): ringback,
 *                 refusal, offers to an agent's devices, withdrawal, overflow legs
 *   AgentPort     the agent state service (router/agent-state): the single writer of agents
 *
 * The SIP layer reports back through {@link CallEventsSink} (caller gone, hang-ups).
 */
import type { Agent, AgentEvent } from '../model/agent-types.js';
import type { SubmitResult } from '../agent-state/agent-state-types.js';
import type { OfferFailure } from '../queues/model/queue-entry.js';
import type { HungUpBy } from './model/call.js';

export interface OfferRequest {
  /** Unique per agent offer; the agent machine's reservation carries the same id. */
  readonly offerId: string;
  readonly agentId: string;
  readonly queueId?: string;
  readonly personalManager: boolean;
}

export type OfferResult =
  | { readonly outcome: 'answered' }
  | { readonly outcome: 'failed'; readonly failure: OfferFailure | 'failed'; readonly status?: number }
  /** Withdrawn by us (ring timeout, another leg won, caller gone) — the SIP status seen, if any. */
  | { readonly outcome: 'cancelled'; readonly status?: number };

export interface OverflowResult {
  readonly answered: boolean;
  /** The final status of the last target tried (200 when answered). */
  readonly status: number;
  readonly target: string;
}

export interface CallControl {
  /** The caller waits: ringback (RFC 3261 §21.1.2 180), or — with rtpengine — music (seam). */
  queued(): void;
  /** Final refusal to the caller; `retryAfterS` adds Retry-After (RFC 3261 §20.33). */
  reject(status: number, retryAfterS?: number): void;
  /**
   * Rings every registered device of the agent; `onRinging(devices)` once the INVITEs are out.
   * Resolves when the offer is over: answered (the caller is connected to this agent), failed,
   * or cancelled. Never rejects.
   */
  offer(req: OfferRequest, onRinging: (devices: number) => void): Promise<OfferResult>;
  /** Stops ringing an offer; false when it is already being answered (its result will say so). */
  withdraw(offerId: string): boolean;
  /** Tries the targets in order; on an answer the caller is connected to it. Never rejects. */
  overflow(targets: readonly string[]): Promise<OverflowResult>;
  /** Ends a connected call from our side (BYE to both legs). */
  hangup(): void;
  /**
   * Reconciliation: for a connected call, the side whose dialog has already ended although no
   * end was reported (a lost event); undefined while both are up or when not connected.
   */
  endedSide(): HungUpBy | undefined;
}

/** What the SIP layer tells the coordinator. */
export interface CallEventsSink {
  /** The caller CANCELled or hung up before being connected. */
  callerGone(callId: string): void;
  /** A connected call ended (BYE from either side, or a failed leg). */
  hungUp(callId: string, by: HungUpBy): void;
}

export interface AgentPort {
  submit(agentId: string, event: AgentEvent): Promise<SubmitResult>;
  /** The agent's current state, or undefined for an unknown agent. */
  snapshot(agentId: string): Promise<Agent | undefined>;
}

/** Directory facts routing needs (skills and personal customers). */
export interface AgentFacts {
  readonly skills: ReadonlyMap<string, number>;
  readonly personalCustomers: ReadonlySet<string>;
}

/** What the INVITE handler learned about a new call (gateway admission, numbers, entry point). */
export interface ArrivingCall {
  readonly callId: string;
  readonly sipCallId: string;
  readonly gatewayId?: string;
  readonly caller: string;
  readonly callerRestricted: boolean;
  readonly dialled: string;
  readonly entry:
    | { readonly kind: 'queue'; readonly queueId: string }
    | { readonly kind: 'agent'; readonly agentId: string };
  readonly priority?: number;
}

/** Logger slice (pino satisfies it). */
export interface CallLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
