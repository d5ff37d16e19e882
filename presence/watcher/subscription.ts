/**
 * One presence subscription to one presentity (RFC 3856 §6, RFC 6665 §4.1): runs the state machine
 * of model/subscription-fsm.ts against a SubscriptionTransport, with time from an injected Clock.
 * Each SUBSCRIBE dialog gets a generation number; any answer, NOTIFY or timer of an older
 * generation is stale and ignored (a NOTIFY of it is answered 481), so a late 2xx or a refresh
 * racing a termination can never revive a subscription that was given up.
 */
import type { Clock, TimerHandle } from '../../sip-engine/util/clock.js';
import { snapshotFromPidf, unknownSnapshot } from './model/presence-snapshot.js';
import type { PresenceSnapshot } from './model/presence-snapshot.js';
import { transition } from './model/subscription-fsm.js';
import type { SubscriptionState } from './model/subscription-fsm.js';
import {
  afterRefreshFailure,
  afterSubscribeFailure,
  afterTermination,
  refreshDelayMs,
  refreshFailureEndsDialog,
} from './policy/retry-policy.js';
import type { NextStep, RequestFailure } from './policy/retry-policy.js';
import { checkNotify } from './sip/notify-check.js';
import type { SubscriptionStateValue } from './sip/subscription-state.js';
import type {
  IncomingNotify,
  NotifyAnswer,
  RefreshOutcome,
  SubscribeOutcome,
  SubscriptionDialog,
  SubscriptionTransport,
} from './sip/transport.js';
import type { SubscriptionStatus, WatcherLogger } from './watcher-types.js';
import type { WatcherOptions } from './watcher-options.js';

export type { SubscriptionStatus, WatcherLogger } from './watcher-types.js';

export interface SubscriptionDeps {
  readonly uri: string;
  readonly transport: SubscriptionTransport;
  readonly clock: Clock;
  readonly random: () => number;
  readonly options: WatcherOptions;
  readonly onPresence: (snapshot: PresenceSnapshot) => void;
  readonly onStatus: (status: SubscriptionStatus) => void;
  readonly log?: WatcherLogger;
}

interface StateTimer {
  readonly ms: number;
  readonly fire: () => void;
}

interface MoveNote {
  readonly reason?: string;
  readonly detail?: string;
  readonly retryInMs?: number;
}

/** States in which the current dialog may receive NOTIFY. */
const RECEIVING: ReadonlySet<SubscriptionState> = new Set(['subscribing', 'pending', 'active', 'refreshing']);

/** Lower bound of the refreshing guard, so a refresh sent just before expiry can still be answered. */
const MIN_REFRESH_GUARD_MS = 1000;

const NO_SUBSCRIPTION: NotifyAnswer = { status: 481, reason: 'Subscription Does Not Exist' };

function transportFailure(err: unknown): RequestFailure {
  return { status: 0, reason: err instanceof Error ? err.message : String(err) };
}

export class PresenceSubscription {
  readonly uri: string;
  readonly #d: SubscriptionDeps;
  #state: SubscriptionState = 'idle';
  #timer: TimerHandle | undefined;
  #gen = 0;
  #dialog: SubscriptionDialog | undefined;
  /** Re-subscriptions since the subscription was last healthy (drives the backoff). */
  #attempt = 0;
  /** clock.now() at which the current subscription lapses. */
  #expiresAtMs = 0;
  #substate: 'active' | 'pending' = 'pending';
  #activeSinceMs: number | undefined;
  #requestExpiresS: number;
  #last: PresenceSnapshot | undefined;

  constructor(deps: SubscriptionDeps) {
    this.#d = deps;
    this.uri = deps.uri;
    this.#requestExpiresS = deps.options.expiresS;
  }

  get state(): SubscriptionState {
    return this.#state;
  }

  /** The last presence accepted from a NOTIFY (kept across re-subscriptions and bad NOTIFYs). */
  get last(): PresenceSnapshot | undefined {
    return this.#last;
  }

  start(): void {
    this.#subscribe('start');
  }

  /** RFC 6665 §4.1.2.3: un-subscribes the current dialog, if any; the subscription ends for good. */
  async stop(): Promise<void> {
    if (this.#state === 'terminated') return;
    const dialog = this.#dialog;
    this.#dialog = undefined;
    this.#gen++;
    this.#move('terminated', undefined, { reason: 'stopped' });
    if (dialog) await dialog.unsubscribe();
  }

  /** Every state change goes through here: the FSM's transition check, then the state's one timer. */
  #move(to: SubscriptionState, timer: StateTimer | undefined, note: MoveNote = {}): void {
    const from = this.#state;
    this.#state = transition(from, to, timer !== undefined);
    this.#timer?.cancel();
    this.#timer = timer ? this.#d.clock.setTimer(timer.fire, timer.ms) : undefined;
    if (from === to && note.reason === undefined) return;
    this.#d.log?.debug({ uri: this.uri, from, to, ...note }, 'presence subscription state');
    this.#d.onStatus({ uri: this.uri, state: to, ...note, at: this.#d.clock.wallNow().getTime() });
  }

  /** RFC 6665 §4.1.2.1: a new SUBSCRIBE (new dialog) under Timer N (§4.1.2.4). */
  #subscribe(reason: string): void {
    const gen = ++this.#gen;
    this.#dialog = undefined;
    this.#expiresAtMs = this.#d.clock.now() + this.#requestExpiresS * 1000;
    const timerN = { ms: this.#d.options.notifyWaitMs, fire: () => this.#onTimerN(gen) };
    this.#move('subscribing', timerN, { reason });
    const request = { uri: this.uri, expiresS: this.#requestExpiresS };
    this.#d.transport
      .subscribe(request, (n) => this.#onNotify(gen, n))
      .then(
        (out) => this.#onSubscribed(gen, out),
        (err: unknown) => this.#onSubscribed(gen, { ok: false, failure: transportFailure(err) }),
      );
  }

  #onSubscribed(gen: number, out: SubscribeOutcome): void {
    if (gen !== this.#gen || this.#state === 'terminated') {
      // Stopped, timed out or terminated meanwhile: nobody wants this dialog any more.
      if (out.ok) void out.dialog.unsubscribe();
      return;
    }
    if (!out.ok) return this.#onSubscribeFailed(out.failure);
    this.#dialog = out.dialog;
    const expiresS = Math.max(1, out.expiresS ?? this.#requestExpiresS);
    this.#expiresAtMs = this.#d.clock.now() + expiresS * 1000;
    // The first NOTIFY may have come first (§4.1.2.4): re-arm the refresh with the granted expiry.
    if (this.#state === 'active' || this.#state === 'pending') this.#armRefresh(this.#state);
  }

  #onSubscribeFailed(failure: RequestFailure): void {
    // RFC 3261 §21.4.17 / RFC 6665 §4.2.1.1: 423 names the shortest duration the notifier accepts.
    if (failure.status === 423 && failure.minExpiresS && failure.minExpiresS > this.#requestExpiresS) {
      this.#requestExpiresS = failure.minExpiresS;
      this.#subscribe('interval-too-brief');
      return;
    }
    this.#follow((n) => afterSubscribeFailure(failure, n, this.#d.random, this.#d.options.retry), {
      reason: `subscribe-failed:${failure.status}`,
    });
  }

  /** RFC 6665 §4.1.2.4: no NOTIFY within Timer N after the SUBSCRIBE — the attempt failed. */
  #onTimerN(gen: number): void {
    if (gen !== this.#gen || this.#state !== 'subscribing') return;
    const dialog = this.#dialog;
    this.#dialog = undefined;
    if (dialog) void dialog.unsubscribe();
    const failure = { status: 408, reason: 'no NOTIFY before Timer N' };
    this.#follow((n) => afterSubscribeFailure(failure, n, this.#d.random, this.#d.options.retry), {
      reason: 'no-notify',
    });
  }

  /** RFC 6665 §4.1.3: NOTIFY processing. Returns the response to send. */
  #onNotify(gen: number, n: IncomingNotify): NotifyAnswer {
    if (gen !== this.#gen || !RECEIVING.has(this.#state)) return NO_SUBSCRIPTION;
    const verdict = checkNotify(n, this.#d.options.maxBodyBytes);
    if (verdict.kind === 'reject') {
      this.#d.log?.warn(
        { uri: this.uri, status: verdict.answer.status, detail: verdict.detail },
        'bad NOTIFY',
      );
      return verdict.answer;
    }
    const at = this.#d.clock.wallNow().getTime();
    const snapshot = verdict.document
      ? snapshotFromPidf(this.uri, verdict.document, at)
      : verdict.state.state === 'active'
        ? unknownSnapshot(this.uri, at)
        : undefined;
    if (snapshot) {
      this.#last = snapshot;
      this.#d.onPresence(snapshot);
    }
    this.#applyState(verdict.state);
    return { status: 200 };
  }

  #applyState(s: SubscriptionStateValue): void {
    if (s.state === 'terminated') return this.#onTerminated(s);
    const now = this.#d.clock.now();
    this.#substate = s.state;
    // RFC 6665 §4.1.3: the `expires` parameter of the NOTIFY updates the subscription's duration.
    if (s.expiresS !== undefined) this.#expiresAtMs = now + s.expiresS * 1000;
    if (this.#state === 'refreshing') return; // the refresh's answer re-arms the timer
    if (s.state === 'active' && this.#state !== 'active') this.#activeSinceMs = now;
    this.#armRefresh(s.state);
  }

  /** RFC 6665 §4.1.2.2: schedule the refresh before the subscription lapses. */
  #armRefresh(target: 'active' | 'pending'): void {
    const remainingMs = Math.max(0, this.#expiresAtMs - this.#d.clock.now());
    const gen = this.#gen;
    const ms = refreshDelayMs(remainingMs, this.#d.random, this.#d.options.refresh);
    this.#move(target, { ms, fire: () => this.#refresh(gen) });
  }

  #refresh(gen: number): void {
    if (gen !== this.#gen) return;
    const dialog = this.#dialog;
    if (!dialog) return this.#follow(() => ({ kind: 'resubscribe-now' }), { reason: 'no-dialog' });
    const guardMs = Math.max(this.#expiresAtMs - this.#d.clock.now(), MIN_REFRESH_GUARD_MS);
    this.#move('refreshing', { ms: guardMs, fire: () => this.#onRefreshLapsed(gen) });
    dialog.refresh(this.#requestExpiresS).then(
      (out) => this.#onRefreshed(gen, dialog, out),
      (err: unknown) => this.#onRefreshed(gen, dialog, { ok: false, failure: transportFailure(err) }),
    );
  }

  #onRefreshed(gen: number, dialog: SubscriptionDialog, out: RefreshOutcome): void {
    if (gen !== this.#gen || this.#state !== 'refreshing') return;
    if (out.ok) {
      this.#attempt = 0;
      const expiresS = Math.max(1, out.expiresS ?? this.#requestExpiresS);
      this.#expiresAtMs = this.#d.clock.now() + expiresS * 1000;
      return this.#armRefresh(this.#substate);
    }
    this.#dialog = undefined;
    // RFC 6665 §4.1.2.2: after 481 and kin the notifier has no subscription; after e.g. 500 it may.
    if (refreshFailureEndsDialog(out.failure.status)) dialog.release();
    else void dialog.unsubscribe();
    const failure = out.failure;
    this.#follow((n) => afterRefreshFailure(failure, n, this.#d.random, this.#d.options.retry), {
      reason: `refresh-failed:${failure.status}`,
    });
  }

  /** The refresh was not answered before the subscription expired: it is gone (RFC 6665 §4.1.2.2). */
  #onRefreshLapsed(gen: number): void {
    if (gen !== this.#gen || this.#state !== 'refreshing') return;
    this.#dialog?.release();
    this.#dialog = undefined;
    const failure = { status: 408, reason: 'refresh unanswered before expiry' };
    this.#follow((n) => afterSubscribeFailure(failure, n, this.#d.random, this.#d.options.retry), {
      reason: 'expired',
    });
  }

  /** RFC 6665 §4.1.3: the notifier ended the subscription; its reason says what to do next. */
  #onTerminated(s: SubscriptionStateValue): void {
    this.#dialog?.release();
    this.#dialog = undefined;
    this.#follow((n) => afterTermination(s.reason, s.retryAfterS, n, this.#d.random, this.#d.options.retry), {
      reason: s.reason ?? 'terminated',
    });
  }

  /**
   * Ends the current dialog generation and carries out the decision `decide` takes for the current
   * attempt count: re-subscribe now, later, or never.
   */
  #follow(decide: (attempt: number) => NextStep, why: { reason: string }): void {
    const reason = why.reason;
    this.#gen++;
    const now = this.#d.clock.now();
    // A subscription that stayed active for a whole backoff cap was healthy: start the count afresh.
    if (this.#activeSinceMs !== undefined && now - this.#activeSinceMs >= this.#d.options.retry.maxDelayMs) {
      this.#attempt = 0;
    }
    this.#activeSinceMs = undefined;
    const step = decide(this.#attempt);
    if (step.kind === 'give-up') {
      this.#d.log?.warn(
        { uri: this.uri, reason: step.reason, cause: reason },
        'presence subscription given up',
      );
      return this.#move('terminated', undefined, { reason: step.reason, detail: reason });
    }
    this.#attempt++;
    if (step.kind === 'resubscribe-now') return this.#subscribe(reason);
    const gen = this.#gen;
    const fire = (): void => {
      if (gen === this.#gen && this.#state === 'waiting-retry') this.#subscribe('retry');
    };
    this.#move('waiting-retry', { ms: step.delayMs, fire }, { reason, retryInMs: step.delayMs });
  }
}
