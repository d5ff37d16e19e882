/**
 * Whether the router admits new calls. Lifecycle:
 *
 *   open ──drain()──▶ draining ──close()──▶ closed
 *     └──────────────close()──────────────────┘
 *
 * While draining, new calls are refused with a retry hint and calls in progress continue.
 */
export type AdmissionState = 'open' | 'draining' | 'closed';
export type AdmissionEvent = 'drain' | 'close';

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  readonly code = 'illegal-transition';
}

export function nextAdmissionState(state: AdmissionState, event: AdmissionEvent): AdmissionState {
  if (event === 'close') return 'closed';
  if (state === 'open') return 'draining';
  throw new IllegalTransitionError(`admission: cannot ${event} when ${state}`);
}

export type AdmissionDecision = { admit: true } | { admit: false; retryAfterS: number };

export class Admission {
  #state: AdmissionState = 'open';
  readonly #retryAfterS: number;

  constructor(retryAfterS = 30) {
    this.#retryAfterS = retryAfterS;
  }

  get state(): AdmissionState {
    return this.#state;
  }

  apply(event: AdmissionEvent): AdmissionState {
    this.#state = nextAdmissionState(this.#state, event);
    return this.#state;
  }

  decide(): AdmissionDecision {
    return this.#state === 'open' ? { admit: true } : { admit: false, retryAfterS: this.#retryAfterS };
  }
}
