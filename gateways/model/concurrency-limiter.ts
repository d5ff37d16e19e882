/**
 * Concurrent calls per gateway. `acquire` either hands out a lease (release it once when the call
 * ends) or returns, as a value, that the gateway is full with the Retry-After hint for the 503
 * (RFC 3261 §21.5.4). Counts are local to this process.
 *
 * Limits can change while calls run (config reload): a lower limit admits nothing new until the
 * count has fallen below it. A removed gateway's outstanding leases stay safe to release.
 */

export interface GatewayLimit {
  /** Calls at once; 0 = unlimited. */
  readonly maxConcurrentCalls: number;
  /** Seconds a refused caller is told to wait. */
  readonly retryAfterSeconds: number;
}

export interface Lease {
  readonly gatewayId: string;
  /** Gives the slot back; true the first time, false when already released. */
  release(): boolean;
}

export type AcquireResult =
  | { readonly ok: true; readonly lease: Lease }
  | {
      readonly ok: false;
      readonly reason: 'full';
      readonly active: number;
      readonly max: number;
      readonly retryAfterSeconds: number;
    };

interface Slot {
  limit: GatewayLimit;
  active: number;
}

const UNLIMITED: GatewayLimit = { maxConcurrentCalls: 0, retryAfterSeconds: 30 };

export class ConcurrencyLimiter {
  readonly #slots = new Map<string, Slot>();

  /** Sets (or changes) the limit of a gateway; its running calls keep counting. */
  configure(gatewayId: string, limit: GatewayLimit): void {
    const slot = this.#slots.get(gatewayId);
    if (slot) slot.limit = limit;
    else this.#slots.set(gatewayId, { limit, active: 0 });
  }

  /** Forgets a gateway; leases still out release into the detached slot (no effect on a new one). */
  remove(gatewayId: string): void {
    this.#slots.delete(gatewayId);
  }

  /** A slot for one more call, or `full`. An unconfigured gateway is unlimited (but counted). */
  acquire(gatewayId: string): AcquireResult {
    let slot = this.#slots.get(gatewayId);
    if (!slot) {
      slot = { limit: UNLIMITED, active: 0 };
      this.#slots.set(gatewayId, slot);
    }
    const max = slot.limit.maxConcurrentCalls;
    if (max > 0 && slot.active >= max) {
      return {
        ok: false,
        reason: 'full',
        active: slot.active,
        max,
        retryAfterSeconds: slot.limit.retryAfterSeconds,
      };
    }
    slot.active += 1;
    return { ok: true, lease: this.#lease(gatewayId, slot) };
  }

  #lease(gatewayId: string, slot: Slot): Lease {
    let held = true;
    return {
      gatewayId,
      release: () => {
        if (!held) return false;
        held = false;
        slot.active -= 1;
        return true;
      },
    };
  }

  /** Calls holding a lease on the gateway right now. */
  active(gatewayId: string): number {
    return this.#slots.get(gatewayId)?.active ?? 0;
  }

  /** True when `acquire` would refuse (for outbound selection, without taking a slot). */
  isFull(gatewayId: string): boolean {
    const slot = this.#slots.get(gatewayId);
    if (!slot) return false;
    const max = slot.limit.maxConcurrentCalls;
    return max > 0 && slot.active >= max;
  }

  /** Every gateway with its count and limit, e.g. for a metrics gauge. */
  snapshot(): { gatewayId: string; active: number; max: number }[] {
    return [...this.#slots].map(([gatewayId, s]) => ({
      gatewayId,
      active: s.active,
      max: s.limit.maxConcurrentCalls,
    }));
  }
}
