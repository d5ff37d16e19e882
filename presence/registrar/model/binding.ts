/**
 * A registrar binding (RFC 3261 §10.3) and its lifecycle:
 *
 *   absent ──register──▶ active ──refresh──▶ active
 *                          │ unregister (expires 0, Contact: *)
 *                          │ expire (expires_at reached; swept or found expired)
 *                          ▼
 *                       removed            (terminal: a later REGISTER makes a new binding)
 *
 * `transition` is the one function that moves a binding; any other move is an
 * {@link IllegalBindingTransition} value. No I/O here.
 */

export interface Binding {
  /** Canonical `sip:user@domain` (RFC 3261 §10.3 step 5). */
  readonly aor: string;
  /** Identity within the AOR (model/contacts.ts bindingKey). */
  readonly key: string;
  readonly agentId: string;
  /** The Contact URI as the device wrote it. */
  readonly contact: string;
  readonly instanceId?: string;
  readonly regId?: number;
  readonly qMilli?: number;
  /** RFC 3261 §10.3 step 7: Call-ID and CSeq of the request that last wrote the binding. */
  readonly callId: string;
  readonly cseq: number;
  /** Wall-clock time (ms since the epoch) the binding lapses. */
  readonly expiresAtMs: number;
  readonly registeredAtMs: number;
  readonly updatedAtMs: number;
  /** Where the REGISTER came from: requests to the device go back there (NAT, RFC 7118 §5 for WS). */
  readonly source: { readonly address: string; readonly port: number; readonly transport: string };
  readonly userAgent?: string;
  /** RFC 3327 §5.3: the Path header values, in order. */
  readonly path: readonly string[];
}

export type BindingState = 'absent' | 'active' | 'removed';
export type BindingEvent = 'register' | 'refresh' | 'unregister' | 'expire';

export interface IllegalBindingTransition {
  readonly ok: false;
  readonly from: BindingState;
  readonly event: BindingEvent;
}

const MOVES: Readonly<Record<BindingState, Partial<Record<BindingEvent, BindingState>>>> = {
  absent: { register: 'active' },
  active: { refresh: 'active', unregister: 'removed', expire: 'removed' },
  removed: {},
};

export function transition(
  from: BindingState,
  event: BindingEvent,
): { readonly ok: true; readonly to: BindingState } | IllegalBindingTransition {
  const to = MOVES[from][event];
  return to === undefined ? { ok: false, from, event } : { ok: true, to };
}

/** Seconds left before `b` lapses at `nowMs` (never negative; rounded up so 0 means gone). */
export function remainingSeconds(b: Pick<Binding, 'expiresAtMs'>, nowMs: number): number {
  return Math.max(0, Math.ceil((b.expiresAtMs - nowMs) / 1000));
}

export function isActive(b: Pick<Binding, 'expiresAtMs'>, nowMs: number): boolean {
  return b.expiresAtMs > nowMs;
}
