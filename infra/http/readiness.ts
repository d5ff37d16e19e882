/**
 * Readiness registry: components (database, bus, sip engine, ...) register a check; the node is
 * ready only when every check passes. A check that throws or takes longer than its timeout fails.
 */
import type { Clock } from '../../sip-engine/util/clock.js';
import { systemClock } from '../../sip-engine/util/clock.js';

/** true/false, or a result with a short reason shown to operators. */
export type CheckOutcome = boolean | { ready: boolean; detail?: string };
export type ReadinessCheck = () => CheckOutcome | Promise<CheckOutcome>;

export interface ComponentReadiness {
  name: string;
  ready: boolean;
  detail?: string;
}

export interface ReadinessReport {
  ready: boolean;
  components: ComponentReadiness[];
}

export class Readiness {
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly #clock: Clock;
  readonly #timeoutMs: number;

  constructor(opts: { clock?: Clock; timeoutMs?: number } = {}) {
    this.#clock = opts.clock ?? systemClock;
    this.#timeoutMs = opts.timeoutMs ?? 2000;
  }

  /** Registers (or replaces) the check named `name`; returns a function that removes it. */
  register(name: string, check: ReadinessCheck): () => void {
    this.#checks.set(name, check);
    return () => {
      if (this.#checks.get(name) === check) this.#checks.delete(name);
    };
  }

  get names(): string[] {
    return [...this.#checks.keys()];
  }

  /** Runs every check concurrently. No checks registered = ready. */
  async evaluate(): Promise<ReadinessReport> {
    const components = await Promise.all([...this.#checks].map(([name, check]) => this.#run(name, check)));
    return { ready: components.every((c) => c.ready), components };
  }

  async #run(name: string, check: ReadinessCheck): Promise<ComponentReadiness> {
    let timer: { cancel(): void } | undefined;
    const timeout = new Promise<CheckOutcome>((resolve) => {
      timer = this.#clock.setTimer(
        () => resolve({ ready: false, detail: `no answer in ${this.#timeoutMs} ms` }),
        this.#timeoutMs,
      );
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(check), timeout]);
      if (typeof outcome === 'boolean') return { name, ready: outcome };
      return outcome.detail !== undefined
        ? { name, ready: outcome.ready, detail: outcome.detail }
        : { name, ready: outcome.ready };
    } catch (err) {
      return { name, ready: false, detail: err instanceof Error ? err.message : String(err) };
    } finally {
      timer?.cancel();
    }
  }
}
