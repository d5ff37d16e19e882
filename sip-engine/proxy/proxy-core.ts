/**
 * The proxy core the engine calls (spec §3.8): starts proxy transactions for `proxy` commands,
 * routes upstream CANCELs and PRACKs to them, and forwards record-routed in-dialog requests and
 * stray responses statelessly (spec §3.2 steps 4 and 10).
 */
import type { CommandResponder, ProxyCommand } from '../app/types.js';
import type { EngineConfig } from '../config.js';
import type { SipMessage } from '../message/sip-message.js';
import { parseUri } from '../message/uri.js';
import type { ServerTransaction, TransactionLayerApi } from '../transaction/types.js';
import type { InboundMessage, TransportLayerApi } from '../transport/types.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { parseAppHeaders } from './app-headers.js';
import { NOK_TEXT, nokReply } from './app-replies.js';
import type { ProxyBranch, ProxyLogger } from './branch.js';
import { ChallengePins } from './challenge-pins.js';
import { forwardPrackStatefully, mapPrackRAck } from './prack.js';
import { ProxyTransaction, type ProxyOptions, type ProxyTarget } from './proxy-transaction.js';
import { buildLocalResponse } from './request-builder.js';
import { firstRouteIsOurLooseRoute } from './routes.js';
import type { RSeqOrigin } from './rseq-map.js';
import {
  forwardRoutedRequest,
  forwardRoutedRequestStatefully,
  forwardStrayResponse,
  prepareRoutedRequest,
  type PreparedRequest,
  type StatelessDeps,
} from './forwarding.js';
import { systemResolver, type HostResolver } from './target.js';

export interface ProxyDeps {
  transport: TransportLayerApi;
  transactions: TransactionLayerApi;
  clock: Clock;
  config: EngineConfig;
  logger?: ProxyLogger;
  /** Host name resolution (default: the system resolver, so /etc/hosts works). */
  resolve?: HostResolver;
  /** Random source for the initial RSeq (tests). */
  random?: () => number;
}

export class ProxyCore {
  readonly #deps: ProxyDeps;
  readonly #resolve: HostResolver;
  readonly #pins: ChallengePins;
  readonly #byTxn = new Map<ServerTransaction, ProxyTransaction>();
  /** Proxy transactions by Call-ID, kept 64·T1 past termination when they relayed reliable 1xx (late PRACKs). */
  readonly #byCallId = new Map<string, Set<ProxyTransaction>>();
  readonly #lingering = new Set<TimerHandle>();

  constructor(deps: ProxyDeps) {
    this.#deps = deps;
    this.#resolve = deps.resolve ?? systemResolver;
    this.#pins = new ChallengePins(deps.clock);
  }

  get activeCount(): number {
    return this.#byTxn.size;
  }

  /** The app asked to proxy a pending incoming request (`txn` not yet answered except 100). */
  start(
    inbound: InboundMessage,
    txn: ServerTransaction,
    cmd: ProxyCommand,
    responder: CommandResponder,
  ): void {
    const request = inbound.message;
    if (this.#byTxn.has(txn) || (txn.state !== 'trying' && txn.state !== 'proceeding')) {
      responder.reply(nokReply(NOK_TEXT.unknownTransaction(cmd.txnId)));
      return;
    }
    const mf = request.get('max-forwards');
    if (mf !== undefined && Number.parseInt(mf, 10) <= 0) {
      // RFC 3261 §16.3 step 3
      responder.reply(nokReply(NOK_TEXT.tooManyHops));
      this.#reject(txn, request, 483);
      return;
    }
    const targets = this.#targets(request, cmd);
    if (targets.length === 0) {
      responder.reply(nokReply(NOK_TEXT.noDestination + cmd.destinations.join(',')));
      this.#reject(txn, request, 500);
      return;
    }
    const pt = new ProxyTransaction(
      { ...this.#deps, logger: this.#deps.logger, resolve: this.#resolve, pins: this.#pins },
      {
        inbound,
        txn,
        responder,
        options: proxyOptions(cmd),
        targets,
        appHeaders: parseAppHeaders(cmd.sip),
        onTerminated: (done) => this.#forget(txn, done),
      },
    );
    this.#byTxn.set(txn, pt);
    this.#index(pt);
    pt.launch();
  }

  /** Upstream CANCEL for a proxied INVITE (the caller answers the CANCEL itself). */
  handleCancel(inviteTxn: ServerTransaction): boolean {
    const pt = this.#byTxn.get(inviteTxn);
    if (!pt) return false;
    pt.cancelFromUpstream();
    return true;
  }

  /**
   * Spec §3.2 step 4: our loose route on top and a To-tag → pop it and forward. Statelessly
   * (RFC 3261 §16.11) without `txn`; with the request's server transaction (anything but ACK), through
   * a client transaction whose responses are relayed to it, so that no server transaction is left
   * unanswered and retransmissions are absorbed on both sides.
   */
  tryStatelessForward(inbound: InboundMessage, txn?: ServerTransaction): boolean {
    const m = inbound.message;
    const isLocal = this.#isLocal;
    if (!m.isRequest || !/;\s*tag=/i.test(m.get('to') ?? '') || !firstRouteIsOurLooseRoute(m, isLocal))
      return false;
    let prepared: PreparedRequest;
    try {
      prepared = prepareRoutedRequest(m, isLocal);
    } catch (err) {
      this.#deps.logger?.warn('proxy: routed request has no usable next hop', err);
      return true;
    }
    if ('message' in prepared) mapPrackRAck(prepared.message, this.#prackLookup);
    const deps = this.#statelessDeps();
    const sent =
      txn && m.method !== 'ACK'
        ? forwardRoutedRequestStatefully(txn, prepared, deps)
        : forwardRoutedRequest(inbound, prepared, deps);
    sent.catch((err: unknown) => this.#deps.logger?.warn('proxy: routed request not forwarded', err));
    return true;
  }

  /** Spec §3.2 step 10: a response matching no client transaction, forwarded when it has >1 Via. */
  handleStrayResponse(inbound: InboundMessage): boolean {
    return forwardStrayResponse(inbound, this.#statelessDeps());
  }

  /** The name the engine core's ProxyPort uses for {@link handleStrayResponse}. */
  handleResponse(inbound: InboundMessage): boolean {
    return this.handleStrayResponse(inbound);
  }

  /** A PRACK for a reliable 1xx we relayed: RAck mapped back, forwarded on its branch. */
  handlePrack(inbound: InboundMessage, txn: ServerTransaction): boolean {
    return forwardPrackStatefully(inbound, txn, this.#prackLookup, this.#isLocal, this.#statelessDeps());
  }

  /** Cancels the timers this core holds (challenge pins, PRACK lingering); live branches finish on their own. */
  stop(): void {
    this.#pins.clear();
    for (const t of this.#lingering) t.cancel();
    this.#lingering.clear();
  }

  readonly #isLocal = (host: string, port: number | undefined): boolean =>
    this.#deps.transport.isLocal(host, port);

  readonly #prackLookup = (callId: string, rseq: number): RSeqOrigin<ProxyBranch> | undefined => {
    for (const pt of this.#byCallId.get(callId) ?? []) {
      const origin = pt.prackOrigin(rseq);
      if (origin) return origin;
    }
    return undefined;
  };

  #statelessDeps(): StatelessDeps {
    const { transport, transactions, logger, config } = this.#deps;
    return { transport, transactions, resolve: this.#resolve, logger, userAgent: config.userAgent };
  }

  /** Destinations of the command, or the target a credentialed retry is pinned to (spec §3.8). */
  #targets(request: SipMessage, cmd: ProxyCommand): ProxyTarget[] {
    const pinned = this.#pins.take(request);
    const out: ProxyTarget[] = [];
    for (const text of pinned !== undefined ? [pinned] : cmd.destinations) {
      try {
        out.push({ text, uri: parseUri(text) });
      } catch (err) {
        this.#deps.logger?.warn('proxy: ignoring bad destination', text, err);
      }
    }
    return out;
  }

  #reject(txn: ServerTransaction, request: SipMessage, status: number): void {
    txn
      .respond(buildLocalResponse(request, status, undefined, this.#deps.config.userAgent))
      .catch((err: unknown) => this.#deps.logger?.warn('proxy: rejection not sent', err));
  }

  #index(pt: ProxyTransaction): void {
    let set = this.#byCallId.get(pt.callId);
    if (!set) {
      set = new Set();
      this.#byCallId.set(pt.callId, set);
    }
    set.add(pt);
  }

  #unindex(pt: ProxyTransaction): void {
    const set = this.#byCallId.get(pt.callId);
    set?.delete(pt);
    if (set?.size === 0) this.#byCallId.delete(pt.callId);
  }

  #forget(txn: ServerTransaction, pt: ProxyTransaction): void {
    this.#byTxn.delete(txn);
    if (!pt.hasReliableProvisionals) {
      this.#unindex(pt);
      return;
    }
    const timer = this.#deps.clock.setTimer(() => {
      this.#lingering.delete(timer);
      this.#unindex(pt);
    }, 64 * this.#deps.config.timers.t1Ms);
    this.#lingering.add(timer);
  }
}

export function proxyOptions(cmd: ProxyCommand): ProxyOptions {
  return {
    recordRoute: cmd.remainInDialog,
    fullResponse: cmd.fullResponse,
    followRedirects: cmd.followRedirects,
    simultaneous: cmd.simultaneous,
    provisionalTimeoutMs: cmd.provisionalTimeoutMs,
  };
}
