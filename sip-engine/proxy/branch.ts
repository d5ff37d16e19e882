/**
 * One branch of a stateful proxy (RFC 3261 §16.6-§16.10): one destination, one client transaction
 * with its own branch id. The transaction layer runs timers A/B/D (INVITE) and E/F/K (non-INVITE);
 * the branch adds timer C (RFC 3261 §16.6 step 11, §16.8), drachtio's provisional timeout, and the
 * 64·T1 wait for the final response after a CANCEL (RFC 3261 §9.1).
 *
 *   pending ─start─▶ calling ─1xx─▶ proceeding ─CANCEL sent (timer C, owner)─▶ cancelling
 *      │ skip          │ │ no 1xx in time / owner cancel                          │
 *      ▼               │ └──────────▶ abandoned ─late 1xx: CANCEL sent─▶ cancelling
 *   skipped            │                  (settled: no longer counts for the search)
 *                      └─ final ≥300 / timeout / transport error ─▶ completed
 *   any of calling, proceeding, abandoned, cancelling ─2xx─▶ answered
 *   any of calling, proceeding, abandoned, cancelling ─final─▶ completed
 */
import type { SipMessage } from '../message/sip-message.js';
import type { SipUri } from '../message/types.js';
import type { ClientTransactionHandlers, TransactionLayerApi } from '../transaction/types.js';
import type { InboundMessage, LocalEndpoint, RemoteTarget, TransportLayerApi } from '../transport/types.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { newBranch } from '../util/ids.js';
import { StateMachine, type TransitionTable } from './fsm.js';
import { buildCancel, reasonPhrase } from './request-builder.js';
import { nextHopOf, resolveHop, type HostResolver, type ResolvedHop } from './target.js';

export type BranchState =
  'pending' | 'calling' | 'proceeding' | 'abandoned' | 'cancelling' | 'completed' | 'answered' | 'skipped';

export const BRANCH_TRANSITIONS: TransitionTable<BranchState> = {
  pending: ['calling', 'skipped'],
  calling: ['proceeding', 'answered', 'completed', 'abandoned'],
  proceeding: ['answered', 'completed', 'cancelling'],
  abandoned: ['cancelling', 'answered', 'completed'],
  cancelling: ['answered', 'completed'],
  completed: [],
  answered: [],
  skipped: [],
};

/** A final outcome of a branch: a response received, or a status the proxy synthesised. */
export interface BranchOutcome {
  status: number;
  reason: string;
  /** The response as received; undefined for a timeout (408) or transport failure (503). */
  response?: InboundMessage;
}

export interface BranchListener {
  /** A 101-199 response while the branch is still wanted. */
  provisional(branch: ProxyBranch, response: InboundMessage): void;
  /** Every 2xx (retransmissions included): RFC 3261 §16.7 step 5 forwards them all. */
  answered(branch: ProxyBranch, response: InboundMessage): void;
  /** The branch's final non-2xx outcome, once, unless the branch was already given up. */
  final(branch: ProxyBranch, outcome: BranchOutcome): void;
  /** The provisional timeout fired: the branch is abandoned and the search may go on. */
  gaveUp(branch: ProxyBranch): void;
}

export interface ProxyLogger {
  debug(...a: unknown[]): void;
  warn(...a: unknown[]): void;
}

export interface BranchEnv {
  transport: TransportLayerApi;
  transactions: TransactionLayerApi;
  clock: Clock;
  resolve: HostResolver;
  isInvite: boolean;
  t1Ms: number;
  timerCMs: number;
  provisionalTimeoutMs: number | undefined;
  logger: ProxyLogger | undefined;
}

/** Builds the request for this branch once the next hop is known. */
export type BuildBranchRequest = (hop: ResolvedHop, branchId: string) => SipMessage;

const SETTLED: readonly BranchState[] = ['completed', 'answered', 'skipped', 'abandoned'];
const LIVE: readonly BranchState[] = ['calling', 'proceeding', 'cancelling'];

export class ProxyBranch {
  readonly id: number;
  readonly destination: string;
  readonly uri: SipUri;
  readonly #env: BranchEnv;
  readonly #listener: BranchListener;
  readonly #fsm: StateMachine<BranchState>;
  #request: SipMessage | undefined;
  #target: RemoteTarget | undefined;
  #local: LocalEndpoint | undefined;
  #timerC: TimerHandle | undefined;
  #provisionalTimer: TimerHandle | undefined;
  #cancelWait: TimerHandle | undefined;
  #cancelReason: string | undefined;
  /**
   * The branch went through `abandoned` (given up before any response): it no longer counts for the
   * search, and its later final response (the 487 to our CANCEL) is not reported.
   */
  #wasAbandoned = false;

  constructor(id: number, destination: string, uri: SipUri, env: BranchEnv, listener: BranchListener) {
    this.id = id;
    this.destination = destination;
    this.uri = uri;
    this.#env = env;
    this.#listener = listener;
    this.#fsm = new StateMachine<BranchState>(`proxy branch ${id}`, BRANCH_TRANSITIONS, 'pending');
  }

  get state(): BranchState {
    return this.#fsm.state;
  }

  /** Still part of the search: sent and not finished (a serial proxy waits for it). */
  get isLive(): boolean {
    return LIVE.includes(this.state) && !this.#wasAbandoned;
  }

  /** Nothing more is expected from this branch for the proxy's decisions. */
  get isSettled(): boolean {
    return SETTLED.includes(this.state) || (this.state === 'cancelling' && this.#wasAbandoned);
  }

  /** The request sent on this branch, once sent. */
  get request(): SipMessage | undefined {
    return this.#request;
  }

  get target(): RemoteTarget | undefined {
    return this.#target;
  }

  /** The local endpoint the branch was sent from. */
  get local(): LocalEndpoint | undefined {
    return this.#local;
  }

  /** Launches the branch: resolve the next hop, build the request, start the client transaction. */
  start(build: BuildBranchRequest): void {
    this.#fsm.transition('calling');
    if (this.#env.isInvite) {
      this.#timerC = this.#env.clock.setTimer(() => this.#onTimerC(), this.#env.timerCMs);
      const ms = this.#env.provisionalTimeoutMs;
      if (ms !== undefined && ms > 0)
        this.#provisionalTimer = this.#env.clock.setTimer(() => this.#onProvisionalTimeout(), ms);
    }
    void this.#send(build);
  }

  /** Marks a not-started branch as never to be tried (serial search over). */
  skip(): void {
    if (this.state === 'pending') {
      this.#fsm.transition('skipped');
    }
  }

  /**
   * Cancels the branch (RFC 3261 §16.10): a branch without any response yet is only marked — a
   * CANCEL goes out when its first provisional response arrives (RFC 3261 §9.1).
   */
  cancel(reason?: string): void {
    this.#cancelReason = reason;
    if (this.state === 'pending') this.skip();
    else if (this.state === 'calling') this.#abandon();
    else if (this.state === 'proceeding') this.#sendCancel();
  }

  async #send(build: BuildBranchRequest): Promise<void> {
    let hop: ResolvedHop;
    let request: SipMessage;
    try {
      hop = await resolveHop(nextHopOf(this.uri), this.#env.transport, this.#env.resolve);
      request = build(hop, newBranch());
    } catch (err) {
      this.#env.logger?.warn('proxy: branch cannot be sent', this.destination, err);
      this.#finish({ status: 503, reason: reasonPhrase(503) }); // RFC 3261 §16.9
      return;
    }
    if (this.state === 'abandoned') {
      this.#finish({ status: 487, reason: reasonPhrase(487) }); // cancelled before anything was sent
      return;
    }
    if (this.state !== 'calling') return;
    this.#request = request;
    this.#target = hop.target;
    this.#local = hop.local;
    try {
      this.#env.transactions.sendRequest(request, hop.target, this.#handlers());
    } catch (err) {
      this.#env.logger?.warn('proxy: branch request refused by the transaction layer', err);
      this.#finish({ status: 503, reason: reasonPhrase(503) });
    }
  }

  #handlers(): ClientTransactionHandlers {
    return {
      onResponse: (inbound) => this.#onResponse(inbound),
      // RFC 3261 §16.7 step 1 / §8.1.3.1: a timeout counts as 408, a transport failure as 503.
      onTimeout: () => this.#finish({ status: 408, reason: reasonPhrase(408) }),
      onTransportError: (err) => {
        this.#env.logger?.warn('proxy: transport error on branch', this.destination, err);
        this.#finish({ status: 503, reason: reasonPhrase(503) });
      },
    };
  }

  #onResponse(inbound: InboundMessage): void {
    const { status } = inbound.message;
    if (status < 200) this.#onProvisional(inbound);
    else if (status < 300) this.#onSuccess(inbound);
    else {
      const line = inbound.message.startLine;
      this.#finish({ status, reason: line.kind === 'response' ? line.reason : '', response: inbound });
    }
  }

  #onProvisional(inbound: InboundMessage): void {
    if (this.state === 'abandoned') {
      this.#sendCancel(); // RFC 3261 §9.1: now that a provisional response arrived, CANCEL may be sent
      return;
    }
    if (this.state === 'calling') {
      this.#provisionalTimer?.cancel();
      this.#provisionalTimer = undefined;
      this.#fsm.transition('proceeding');
    }
    if (this.state !== 'proceeding' || inbound.message.status === 100) return; // spec §3.8: 100 absorbed
    // RFC 3261 §16.7 step 2: timer C is reset by every provisional response other than 100.
    if (this.#timerC) {
      this.#timerC.cancel();
      this.#timerC = this.#env.clock.setTimer(() => this.#onTimerC(), this.#env.timerCMs);
    }
    this.#listener.provisional(this, inbound);
  }

  #onSuccess(inbound: InboundMessage): void {
    if (this.#fsm.can('answered')) {
      this.#clearTimers();
      this.#fsm.transition('answered');
    }
    this.#listener.answered(this, inbound);
  }

  /** RFC 3261 §16.8: timer C → CANCEL a proceeding branch; one without any response counts as 408. */
  #onTimerC(): void {
    this.#timerC = undefined;
    if (this.state === 'proceeding') this.#sendCancel();
    else if (this.state === 'calling') this.#finish({ status: 408, reason: reasonPhrase(408) });
  }

  #onProvisionalTimeout(): void {
    this.#provisionalTimer = undefined;
    if (this.state !== 'calling') return;
    this.#abandon();
    this.#listener.gaveUp(this);
  }

  #abandon(): void {
    this.#clearTimers();
    this.#wasAbandoned = true;
    this.#fsm.transition('abandoned');
  }

  #sendCancel(): void {
    if (!this.#request || !this.#target) return;
    this.#clearTimers();
    this.#fsm.transition('cancelling');
    const cancel = buildCancel(this.#request, this.#cancelReason);
    const ignore = (): void => undefined; // the CANCEL's own response is of no interest (RFC 3261 §9.1)
    try {
      this.#env.transactions.sendRequest(cancel, this.#target, {
        onResponse: ignore,
        onTimeout: ignore,
        onTransportError: ignore,
      });
    } catch (err) {
      this.#env.logger?.warn('proxy: CANCEL refused by the transaction layer', err); // the wait below still ends the branch
    }
    // RFC 3261 §9.1: no final response within 64·T1 of the CANCEL → consider the request cancelled.
    this.#cancelWait = this.#env.clock.setTimer(
      () => this.#finish({ status: 408, reason: reasonPhrase(408) }),
      64 * this.#env.t1Ms,
    );
  }

  #finish(outcome: BranchOutcome): void {
    if (!this.#fsm.can('completed')) return;
    this.#clearTimers();
    this.#fsm.transition('completed');
    if (!this.#wasAbandoned) this.#listener.final(this, outcome);
  }

  #clearTimers(): void {
    for (const t of [this.#timerC, this.#provisionalTimer, this.#cancelWait]) t?.cancel();
    this.#timerC = undefined;
    this.#provisionalTimer = undefined;
    this.#cancelWait = undefined;
  }
}
