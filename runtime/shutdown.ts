/**
 * Ordered graceful shutdown as an explicit state machine (design §7):
 *
 *   running ─▶ stop-admitting ─▶ drain-calls ─▶ terminate-subscriptions ─▶ close-http
 *           ─▶ disconnect-sip ─▶ stop-engine ─▶ drain-bus ─▶ close-database ─▶ stopped
 *
 * Each phase runs the hook the composition root registered for it (a missing hook = the component
 * was never started: the phase is `skipped`). A phase that throws or outlives its timeout is
 * reported and the machine moves on: later phases still release what they hold. Every phase's
 * timeout is capped by what remains of the overall budget, so the whole run ends within the budget
 * plus one minimum slice. The same runner undoes a start-up that failed half way.
 */
import type { Clock } from '../sip-engine/util/clock.js';
import { systemClock } from '../sip-engine/util/clock.js';
import { describeError, IllegalShutdownTransitionError } from './errors.js';

export const SHUTDOWN_PHASES = [
  'stop-admitting',
  'drain-calls',
  'terminate-subscriptions',
  'close-http',
  'disconnect-sip',
  'stop-engine',
  'drain-bus',
  'close-database',
] as const;
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];
export type ShutdownState = 'running' | ShutdownPhase | 'stopped';

const ORDER: readonly ShutdownState[] = ['running', ...SHUTDOWN_PHASES, 'stopped'];

/** The one transition function: only the next state in ORDER is a legal move. */
export function nextShutdownState(from: ShutdownState, to: ShutdownState): ShutdownState {
  if (ORDER.indexOf(to) !== ORDER.indexOf(from) + 1) {
    throw new IllegalShutdownTransitionError(`shutdown: cannot go ${from} → ${to}`);
  }
  return to;
}

/** A phase's work; it should settle by itself (the runner stops waiting at the phase's deadline). */
export type ShutdownHook = () => Promise<void> | void;
export type ShutdownHooks = Partial<Record<ShutdownPhase, ShutdownHook>>;

export type PhaseOutcome = 'done' | 'skipped' | 'timed-out' | 'failed';

export interface PhaseResult {
  phase: ShutdownPhase;
  outcome: PhaseOutcome;
  ms: number;
  error?: string;
}

export interface ShutdownReport {
  reason: string;
  totalMs: number;
  phases: PhaseResult[];
  /** True when every phase was done or skipped. */
  clean: boolean;
}

export interface ShutdownLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface ShutdownOptions {
  hooks: ShutdownHooks;
  clock?: Clock;
  logger?: ShutdownLogger;
  /** The whole run (default 4500 ms). */
  budgetMs?: number;
  /** Per-phase timeouts (default 1000 ms; drain-calls 1500 ms). */
  phaseTimeoutsMs?: Partial<Record<ShutdownPhase, number>>;
  /** A phase always gets at least this long, even past the budget (default 250 ms). */
  minPhaseMs?: number;
}

const DEFAULT_PHASE_MS = 1000;
const DEFAULT_TIMEOUTS: Partial<Record<ShutdownPhase, number>> = { 'drain-calls': 1500 };
const quiet: ShutdownLogger = { info: () => undefined, warn: () => undefined };

export class Shutdown {
  #state: ShutdownState = 'running';
  #run: Promise<ShutdownReport> | undefined;
  readonly #opts: ShutdownOptions;
  readonly #clock: Clock;
  readonly #log: ShutdownLogger;

  constructor(opts: ShutdownOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? systemClock;
    this.#log = opts.logger ?? quiet;
  }

  get state(): ShutdownState {
    return this.#state;
  }

  /** Runs every phase once; later calls return the same report. */
  run(reason: string): Promise<ShutdownReport> {
    this.#run ??= this.#runPhases(reason);
    return this.#run;
  }

  async #runPhases(reason: string): Promise<ShutdownReport> {
    const started = this.#clock.now();
    const budget = this.#opts.budgetMs ?? 4500;
    this.#log.info({ reason, budgetMs: budget }, 'shutdown started');
    const phases: PhaseResult[] = [];
    for (const phase of SHUTDOWN_PHASES) {
      this.#state = nextShutdownState(this.#state, phase);
      const remaining = budget - (this.#clock.now() - started);
      phases.push(await this.#runPhase(phase, this.#timeoutFor(phase, remaining)));
    }
    this.#state = nextShutdownState(this.#state, 'stopped');
    const totalMs = Math.round(this.#clock.now() - started);
    const clean = phases.every((p) => p.outcome === 'done' || p.outcome === 'skipped');
    this.#log.info({ reason, totalMs, clean }, 'shutdown complete');
    return { reason, totalMs, phases, clean };
  }

  #timeoutFor(phase: ShutdownPhase, remainingMs: number): number {
    const own = this.#opts.phaseTimeoutsMs?.[phase] ?? DEFAULT_TIMEOUTS[phase] ?? DEFAULT_PHASE_MS;
    return Math.max(Math.min(own, remainingMs), this.#opts.minPhaseMs ?? 250);
  }

  async #runPhase(phase: ShutdownPhase, timeoutMs: number): Promise<PhaseResult> {
    const hook = this.#opts.hooks[phase];
    if (!hook) return { phase, outcome: 'skipped', ms: 0 };
    const t0 = this.#clock.now();
    let timer: { cancel(): void } | undefined;
    const deadline = new Promise<'timed-out'>((resolve) => {
      timer = this.#clock.setTimer(() => resolve('timed-out'), timeoutMs);
    });
    const work = Promise.resolve()
      .then(hook)
      .then(
        () => ({ outcome: 'done' as const }),
        (err: unknown) => ({ outcome: 'failed' as const, error: describeError(err) }),
      );
    const settled = await Promise.race([work, deadline]);
    timer?.cancel();
    const ms = Math.round(this.#clock.now() - t0);
    if (settled === 'timed-out') {
      this.#log.warn({ phase, timeoutMs }, 'shutdown phase timed out; moving on');
      return { phase, outcome: 'timed-out', ms };
    }
    if (settled.outcome === 'failed') {
      this.#log.warn({ phase, error: settled.error }, 'shutdown phase failed; moving on');
      return { phase, outcome: 'failed', ms, error: settled.error };
    }
    this.#log.info({ phase, ms }, 'shutdown phase done');
    return { phase, outcome: 'done', ms };
  }
}

/** Where signals come from (`process` in production, an EventEmitter in tests). */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface SignalOptions {
  /** Starts the graceful shutdown (called once, on the first signal). */
  onFirst: (signal: NodeJS.Signals) => void;
  /** Ends the process at once (called on the second signal). */
  forceExit: (signal: NodeJS.Signals) => void;
  logger?: ShutdownLogger;
  source?: SignalSource;
  signals?: readonly NodeJS.Signals[];
  clock?: Clock;
  /**
   * A signal this soon after the first is the same request delivered twice, not a second one:
   * Ctrl-C under `npm start` reaches node from the terminal AND from npm, which forwards it
   * (default 500 ms).
   */
  duplicateWindowMs?: number;
}

/**
 * SIGINT/SIGTERM: the first starts the graceful shutdown, a second (after the duplicate window)
 * forces the exit. Returns a
 * function that removes the listeners (signal listeners never keep the process alive).
 */
export function handleShutdownSignals(opts: SignalOptions): () => void {
  const source: SignalSource = opts.source ?? process;
  const signals = opts.signals ?? (['SIGINT', 'SIGTERM'] as const);
  const log = opts.logger ?? quiet;
  const clock = opts.clock ?? systemClock;
  let firstAt: number | undefined;
  const listener = (signal: NodeJS.Signals): void => {
    if (firstAt === undefined) {
      firstAt = clock.now();
      log.info({ signal }, 'signal received; shutting down (send it again to force)');
      opts.onFirst(signal);
      return;
    }
    if (clock.now() - firstAt < (opts.duplicateWindowMs ?? 500)) return;
    log.warn({ signal }, 'second signal; forcing exit');
    opts.forceExit(signal);
  };
  for (const s of signals) source.on(s, listener);
  return () => {
    for (const s of signals) source.off(s, listener);
  };
}
