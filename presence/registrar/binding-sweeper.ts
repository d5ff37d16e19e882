/**
 * Periodic expiry of registrar bindings on the injected clock: every `intervalMs` it asks the
 * registrar to delete lapsed bindings (which announces each as `device.unregistered`, reason
 * expired). Lapsed bindings are never listed or used even before a sweep; the sweep is what tells
 * the rest of the system.
 *
 *   idle ──start──▶ running ──stop──▶ stopped        (stop from idle is allowed; nothing restarts)
 */
import type { Clock, TimerHandle } from '../../sip-engine/util/clock.js';
import { RegistrarError } from './errors.js';

export type SweeperState = 'idle' | 'running' | 'stopped';
type SweeperEvent = 'start' | 'stop';

const MOVES: Readonly<Record<SweeperState, Partial<Record<SweeperEvent, SweeperState>>>> = {
  idle: { start: 'running', stop: 'stopped' },
  running: { stop: 'stopped' },
  stopped: {},
};

export interface SweeperDeps {
  /** Deletes and announces lapsed bindings; resolves to how many. */
  sweep(limit: number): Promise<number>;
  clock: Pick<Clock, 'setTimer'>;
  intervalMs?: number;
  /** Bindings handled per round; a full round is followed at once by another. */
  batch?: number;
  onError?: (err: unknown) => void;
}

export class BindingSweeper {
  #state: SweeperState = 'idle';
  #timer: TimerHandle | undefined;
  #inFlight: Promise<void> | undefined;
  readonly #deps: SweeperDeps;
  readonly #intervalMs: number;
  readonly #batch: number;

  constructor(deps: SweeperDeps) {
    this.#deps = deps;
    this.#intervalMs = deps.intervalMs ?? 30_000;
    this.#batch = deps.batch ?? 500;
  }

  get state(): SweeperState {
    return this.#state;
  }

  #move(event: SweeperEvent): void {
    const to = MOVES[this.#state][event];
    if (to === undefined)
      throw new RegistrarError('illegal-transition', `sweeper cannot ${event} when ${this.#state}`);
    this.#state = to;
  }

  /** Sweeps at once (bindings that lapsed while the service was down), then every interval. */
  start(): void {
    this.#move('start');
    this.#tick();
  }

  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#move('stop');
    this.#timer?.cancel();
    await this.#inFlight;
  }

  /** One round now (tests, or after a restart); resolves when it is done. */
  async sweepNow(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.#deps.sweep(this.#batch);
      total += n;
      if (n < this.#batch || this.#state === 'stopped') return total;
    }
  }

  #tick(): void {
    this.#inFlight = this.sweepNow()
      .then(() => undefined)
      .catch((err: unknown) => this.#deps.onError?.(err))
      .finally(() => {
        if (this.#state === 'running')
          this.#timer = this.#deps.clock.setTimer(() => this.#tick(), this.#intervalMs);
      });
  }
}
