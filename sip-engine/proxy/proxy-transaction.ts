/**
 * One stateful proxy transaction (RFC 3261 §16, drachtio `proxy` command, spec §3.8): the server
 * transaction of the upstream request, a branch per destination (serial or simultaneous), the
 * response context and the choice of the best response, CANCEL fan-out, and the app's
 * `continue`/`done` frames.
 *
 *   searching ──2xx──▶ answered ─┐
 *       │ ──all branches failed / 6xx / challenge──▶ completed ─┼─ every branch settled ─▶ terminated
 *       └──upstream CANCEL──▶ cancelled ─┘
 */
import type { CommandResponder } from '../app/types.js';
import type { EngineConfig } from '../config.js';
import type { SipMessage } from '../message/sip-message.js';
import type { SipHeader, SipUri } from '../message/types.js';
import type { ServerTransaction, TransactionLayerApi } from '../transaction/types.js';
import type { InboundMessage, TransportLayerApi } from '../transport/types.js';
import type { Clock } from '../util/clock.js';
import { continueReply, doneReply } from './app-replies.js';
import { endsSearch, selectBestResponse, upstreamStatusFor } from './best-response.js';
import {
  ProxyBranch,
  type BranchEnv,
  type BranchListener,
  type BranchOutcome,
  type BuildBranchRequest,
  type ProxyLogger,
} from './branch.js';
import type { ChallengePins } from './challenge-pins.js';
import { StateMachine, type TransitionTable } from './fsm.js';
import { redirectTargets } from './redirects.js';
import { buildBranchRequest, reasonPhrase } from './request-builder.js';
import { RSeqMap, type RSeqOrigin } from './rseq-map.js';
import type { HostResolver } from './target.js';
import { Upstream } from './upstream.js';

export type ProxyState = 'searching' | 'answered' | 'completed' | 'cancelled' | 'terminated';

export const PROXY_TRANSITIONS: TransitionTable<ProxyState> = {
  searching: ['answered', 'completed', 'cancelled'],
  answered: ['terminated'],
  completed: ['terminated'],
  cancelled: ['terminated'],
  terminated: [],
};

/** drachtio's fixed timer C (spec §3.6), RFC 3261 §16.6 step 11 asks for more than 3 minutes. */
export const TIMER_C_MS = 185_000;

export interface ProxyOptions {
  recordRoute: boolean;
  fullResponse: boolean;
  followRedirects: boolean;
  simultaneous: boolean;
  provisionalTimeoutMs: number | undefined;
}

export interface ProxyTarget {
  text: string;
  uri: SipUri;
}

export interface ProxyTransactionDeps {
  transport: TransportLayerApi;
  transactions: TransactionLayerApi;
  clock: Clock;
  config: EngineConfig;
  logger: ProxyLogger | undefined;
  resolve: HostResolver;
  pins: ChallengePins;
  random?: () => number;
}

export interface ProxyRequestContext {
  inbound: InboundMessage;
  txn: ServerTransaction;
  responder: CommandResponder;
  options: ProxyOptions;
  targets: readonly ProxyTarget[];
  appHeaders: readonly SipHeader[];
  onTerminated: (pt: ProxyTransaction) => void;
}

const COMPLETED_ELSEWHERE = 'SIP;cause=200;text="Call completed elsewhere"'; // RFC 3326

export class ProxyTransaction implements BranchListener {
  readonly callId: string;
  readonly #deps: ProxyTransactionDeps;
  readonly #ctx: ProxyRequestContext;
  readonly #fsm: StateMachine<ProxyState>;
  readonly #branches: ProxyBranch[] = [];
  readonly #targetSet = new Set<string>();
  readonly #candidates: (BranchOutcome & { destination: string })[] = [];
  readonly #rseq: RSeqMap<ProxyBranch>;
  readonly #upstream: Upstream;
  readonly #branchEnv: BranchEnv;
  #nextBranchId = 0;
  #appDone = false;

  constructor(deps: ProxyTransactionDeps, ctx: ProxyRequestContext) {
    this.#deps = deps;
    this.#ctx = ctx;
    this.callId = ctx.inbound.message.get('call-id') ?? '';
    this.#fsm = new StateMachine<ProxyState>(`proxy ${this.callId}`, PROXY_TRANSITIONS, 'searching');
    this.#rseq = new RSeqMap<ProxyBranch>(deps.random);
    this.#upstream = new Upstream(
      ctx.inbound,
      ctx.txn,
      deps.transactions,
      deps.logger,
      deps.config.userAgent,
    );
    this.#branchEnv = {
      transport: deps.transport,
      transactions: deps.transactions,
      clock: deps.clock,
      resolve: deps.resolve,
      isInvite: ctx.inbound.message.method === 'INVITE',
      t1Ms: deps.config.timers.t1Ms,
      timerCMs: TIMER_C_MS,
      provisionalTimeoutMs: ctx.options.provisionalTimeoutMs,
      logger: deps.logger,
    };
    for (const t of ctx.targets) this.#addTarget(t, this.#branches.length);
  }

  get state(): ProxyState {
    return this.#fsm.state;
  }

  get branches(): readonly ProxyBranch[] {
    return this.#branches;
  }

  /** Starts the first branch (serial) or all of them (simultaneous). */
  launch(): void {
    if (!this.#ctx.options.fullResponse) this.#reply(doneReply()); // spec §2.4(a): done right after launch
    this.#launchNext();
  }

  /** Upstream CANCEL (RFC 3261 §16.10): 487 to the request, CANCEL every branch. */
  cancelFromUpstream(): void {
    if (this.state !== 'searching') return;
    this.#fsm.transition('cancelled');
    this.#upstream.send(this.#upstream.local(487));
    for (const b of this.#branches) b.cancel();
    this.#maybeTerminate();
  }

  /** The branch and downstream RSeq behind an RSeq we sent upstream (for a PRACK's RAck). */
  prackOrigin(upstreamRSeq: number): RSeqOrigin<ProxyBranch> | undefined {
    return this.#rseq.lookup(upstreamRSeq);
  }

  get hasReliableProvisionals(): boolean {
    return this.#rseq.size > 0;
  }

  provisional(branch: ProxyBranch, response: InboundMessage): void {
    if (this.state !== 'searching') return;
    const rseqText = response.message.get('rseq');
    const rseq = rseqText === undefined ? NaN : Number.parseInt(rseqText, 10);
    // RFC 3262 / spec §3.8: reliable 1xx get our RSeq; only when record-routed can the PRACK reach us.
    const opts =
      this.#ctx.options.recordRoute && Number.isFinite(rseq)
        ? { rseq: this.#rseq.rewrite(branch, rseq) }
        : {};
    this.#upstream.send(this.#upstream.relayed(response.message, opts)); // RFC 3261 §16.7 step 5
  }

  answered(_branch: ProxyBranch, response: InboundMessage): void {
    this.#upstream.send(this.#upstream.relayed(response.message)); // RFC 3261 §16.7 step 5: every 2xx
    if (this.state !== 'searching') {
      // A 2xx after the search ended (a fork, or racing an upstream CANCEL): reported until done.
      if (this.#ctx.options.fullResponse) this.#reply(continueReply(response));
      this.#maybeTerminate();
      return;
    }
    this.#fsm.transition('answered');
    if (this.#ctx.options.fullResponse) this.#reply(continueReply(response));
    this.#reply(doneReply());
    // RFC 3261 §16.7 step 10 / §16.10: a 2xx ends the search and cancels every other branch.
    for (const b of this.#branches) b.cancel(COMPLETED_ELSEWHERE);
    this.#maybeTerminate();
  }

  final(branch: ProxyBranch, outcome: BranchOutcome): void {
    if (outcome.response && this.#ctx.options.fullResponse) this.#reply(continueReply(outcome.response));
    if (this.state !== 'searching') {
      this.#maybeTerminate();
      return;
    }
    const { status } = outcome;
    let candidate = true;
    if (status >= 300 && status < 400 && this.#ctx.options.followRedirects && outcome.response) {
      // RFC 3261 §16.7 step 4: a 3xx whose contacts were all recursed on is not a candidate.
      candidate = !this.#recurse(branch, outcome.response.message);
    }
    if (candidate) this.#candidates.push({ ...outcome, destination: branch.destination });
    const challenge = status === 401 || status === 407 ? outcome.response?.message : undefined;
    if (challenge && this.#deps.pins.remember(challenge, branch.destination)) {
      this.#stopSearch(); // spec §3.8: a challenge stops the search and is forwarded
    } else if (endsSearch(status)) this.#stopSearch();
    else this.#launchNext();
  }

  gaveUp(_branch: ProxyBranch): void {
    this.#launchNext();
  }

  #addTarget(target: ProxyTarget, at: number): ProxyBranch {
    this.#targetSet.add(target.text);
    const branch = new ProxyBranch(this.#nextBranchId++, target.text, target.uri, this.#branchEnv, this);
    this.#branches.splice(at, 0, branch);
    return branch;
  }

  /** RFC 3261 §16.5, spec §3.8: a 3xx's contacts become targets right after the current one. */
  #recurse(branch: ProxyBranch, response: SipMessage): boolean {
    const { targets, total } = redirectTargets(response);
    const fresh = targets.filter((t) => !this.#targetSet.has(t.text)); // RFC 3261 §16.5: no duplicates
    let at = this.#branches.indexOf(branch) + 1;
    for (const t of fresh) this.#addTarget(t, at++);
    return total > 0 && fresh.length === total;
  }

  #launchNext(): void {
    if (this.state !== 'searching') return;
    const pending = this.#branches.filter((b) => b.state === 'pending');
    const toStart = this.#ctx.options.simultaneous
      ? pending
      : this.#branches.some((b) => b.isLive)
        ? []
        : pending.slice(0, 1);
    for (const b of toStart) b.start(this.#builder(b));
    if (!this.#branches.some((b) => b.isLive || b.state === 'pending')) this.#finishSearch();
  }

  /** RFC 3261 §16.7 step 5 (6xx) and spec §3.8 (challenge): no new branches, cancel the live ones. */
  #stopSearch(): void {
    for (const b of this.#branches) b.cancel();
    this.#finishSearch();
  }

  /** RFC 3261 §16.7 step 6: forward the best final response, or 408 when there is none. */
  #finishSearch(): void {
    this.#fsm.transition('completed');
    const best = selectBestResponse(this.#candidates);
    let response: SipMessage;
    if (best?.response) {
      const mapped = upstreamStatusFor(best.status);
      const statusLine =
        mapped.status === best.status
          ? undefined
          : { status: mapped.status, reason: reasonPhrase(mapped.status) };
      response = this.#upstream.relayed(best.response.message, statusLine ? { statusLine } : {});
    } else {
      response = this.#upstream.local(best ? upstreamStatusFor(best.status).status : 408);
    }
    this.#upstream.send(response);
    this.#reply(doneReply());
    this.#maybeTerminate();
  }

  #builder(branch: ProxyBranch): BuildBranchRequest {
    const original = this.#ctx.inbound.message;
    const keepUri = original.startLine.kind === 'request' && /^tel:/i.test(original.startLine.uri);
    return (hop, branchId) =>
      buildBranchRequest({
        original,
        requestUri: keepUri ? undefined : branch.destination, // RFC 3261 §16.6 step 2 (tel: kept, spec §3.8)
        appHeaders: this.#ctx.appHeaders,
        recordRoute: this.#ctx.options.recordRoute,
        inbound: this.#ctx.inbound.local,
        outbound: hop.local,
        branch: branchId,
        isLocal: (host, port) => this.#deps.transport.isLocal(host, port),
      });
  }

  #maybeTerminate(): void {
    if (this.state === 'searching' || this.state === 'terminated') return;
    if (!this.#branches.every((b) => b.isSettled)) return;
    this.#reply(doneReply()); // after an upstream CANCEL, done follows the branches' 487s
    this.#fsm.transition('terminated');
    this.#ctx.onTerminated(this);
  }

  /** Sends a frame to the app until `done` (or NOK) has been sent. */
  #reply(reply: ReturnType<typeof doneReply>): void {
    if (this.#appDone) return;
    if (reply.status !== 'OK' || reply.tokens[0] === 'done') this.#appDone = true;
    this.#ctx.responder.reply(reply);
  }
}
