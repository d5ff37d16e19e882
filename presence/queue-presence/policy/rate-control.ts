/**
 * RFC 6446 notification rate control, pure.
 *
 * Event header parameters of a SUBSCRIBE (RFC 6446 §4):
 *   min-interval=<s>        at most one NOTIFY per <s> seconds (changes in between are coalesced)
 *   max-interval=<s>        a NOTIFY at least every <s> seconds, with the current state, even
 *                           without a change
 *   adaptive-min-rate=<r>   at least <r> NOTIFYs per second on average; the notifier adapts the
 *                           interval to it (here: a max-interval of 1/r seconds, never shorter than
 *                           the min-interval in force)
 * The notifier may raise the min-interval to its own floor (`defaultMinIntervalS`, the
 * configurable default) and says what it applies in Subscription-State (RFC 6446 §4.2).
 * The older registered names `max-rate` (= 1/min-interval) and `min-rate` (= 1/max-interval) are
 * read as well. A malformed or negative value is a 400.
 */

export interface RateRequest {
  readonly minIntervalS?: number;
  readonly maxIntervalS?: number;
  readonly adaptiveMinRate?: number;
}

export interface RatePlan {
  readonly minIntervalMs: number;
  /** undefined: no periodic NOTIFY. */
  readonly maxIntervalMs: number | undefined;
  readonly adaptiveMinRate: number | undefined;
}

export type RateParse =
  { readonly ok: true; readonly request: RateRequest } | { readonly ok: false; readonly why: string };

const NUMBER = /^\d{1,9}(\.\d{1,6})?$/;

function positive(params: ReadonlyMap<string, string | null>, name: string): number | string | undefined {
  const raw = params.get(name);
  if (raw === undefined) return undefined;
  if (raw === null || !NUMBER.test(raw)) return `bad ${name}`;
  return Number(raw);
}

/** Reads the RFC 6446 parameters from the Event header's parameters (lower-cased names). */
export function parseRateParams(params: ReadonlyMap<string, string | null>): RateParse {
  const values: Record<string, number> = {};
  for (const name of ['min-interval', 'max-interval', 'adaptive-min-rate', 'max-rate', 'min-rate']) {
    const v = positive(params, name);
    if (typeof v === 'string') return { ok: false, why: v };
    if (v !== undefined) values[name] = v;
  }
  const fromRate = (r: number | undefined): number | undefined =>
    r !== undefined && r > 0 ? 1 / r : undefined;
  const minIntervalS = values['min-interval'] ?? fromRate(values['max-rate']);
  const maxIntervalS = values['max-interval'] ?? fromRate(values['min-rate']);
  const adaptiveMinRate = values['adaptive-min-rate'];
  if (adaptiveMinRate !== undefined && adaptiveMinRate <= 0)
    return { ok: false, why: 'adaptive-min-rate must be > 0' };
  if (maxIntervalS !== undefined && maxIntervalS <= 0) return { ok: false, why: 'max-interval must be > 0' };
  return {
    ok: true,
    request: {
      ...(minIntervalS !== undefined ? { minIntervalS } : {}),
      ...(maxIntervalS !== undefined ? { maxIntervalS } : {}),
      ...(adaptiveMinRate !== undefined ? { adaptiveMinRate } : {}),
    },
  };
}

/** What the notifier applies: the watcher's wishes, never faster than our floor. */
export function planRate(request: RateRequest, defaultMinIntervalS: number): RatePlan {
  const minS = Math.max(request.minIntervalS ?? 0, defaultMinIntervalS);
  const maxCandidates = [
    request.maxIntervalS,
    request.adaptiveMinRate !== undefined ? 1 / request.adaptiveMinRate : undefined,
  ].filter((v): v is number => v !== undefined);
  const maxS = maxCandidates.length > 0 ? Math.max(Math.min(...maxCandidates), minS) : undefined;
  return {
    minIntervalMs: Math.round(minS * 1000),
    maxIntervalMs: maxS === undefined ? undefined : Math.round(maxS * 1000),
    adaptiveMinRate: request.adaptiveMinRate,
  };
}

/** RFC 6446 §4.2: the parameters in force, appended to `Subscription-State: active;...`. */
export function rateStateParams(plan: RatePlan): string {
  const parts = [`min-interval=${plan.minIntervalMs / 1000}`];
  if (plan.adaptiveMinRate !== undefined) parts.push(`adaptive-min-rate=${plan.adaptiveMinRate}`);
  else if (plan.maxIntervalMs !== undefined) parts.push(`max-interval=${plan.maxIntervalMs / 1000}`);
  return parts.map((p) => `;${p}`).join('');
}

/**
 * When the next NOTIFY may / must go: a change waits for `lastSentAtMs + minInterval`; without a
 * change, `lastSentAtMs + maxInterval` forces one; undefined: nothing to send.
 */
export function nextNotifyAtMs(p: {
  readonly plan: RatePlan;
  readonly lastSentAtMs: number;
  readonly changed: boolean;
  readonly nowMs: number;
}): number | undefined {
  if (p.changed) return Math.max(p.nowMs, p.lastSentAtMs + p.plan.minIntervalMs);
  if (p.plan.maxIntervalMs !== undefined) return Math.max(p.nowMs, p.lastSentAtMs + p.plan.maxIntervalMs);
  return undefined;
}
