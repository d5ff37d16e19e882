/**
 * The Subscription-State header field (RFC 6665 §8.2.3, ABNF §8.4):
 * `substate-value *( ";" subexp-params )`, with `reason`, `expires` and `retry-after`.
 */

export type Substate = 'active' | 'pending' | 'terminated';

export interface SubscriptionStateValue {
  /**
   * RFC 6665 §8.4 allows extension substates; one the watcher does not know is read as `pending`
   * (the subscription exists but its state is not confirmed), never as `active`.
   */
  readonly state: Substate;
  /** The substate as sent, lower-cased (differs from `state` for extensions). */
  readonly raw: string;
  readonly expiresS?: number;
  readonly retryAfterS?: number;
  /** `reason` lower-cased (event-reason-value, §8.4), with `terminated`. */
  readonly reason?: string;
}

const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;
const DELTA_SECONDS = /^\d{1,10}$/;

function deltaSeconds(v: string | undefined): number | undefined {
  if (v === undefined || !DELTA_SECONDS.test(v)) return undefined;
  return Math.min(Number(v), 2 ** 32 - 1);
}

/** Parses the header value; undefined when it is absent or not even a token. */
export function parseSubscriptionState(value: string | undefined): SubscriptionStateValue | undefined {
  if (value === undefined) return undefined;
  const [head, ...params] = value.split(';');
  const raw = head?.trim().toLowerCase() ?? '';
  if (!TOKEN.test(raw)) return undefined;
  const map = new Map<string, string>();
  for (const p of params) {
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    const v =
      eq < 0
        ? ''
        : p
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1');
    if (name && !map.has(name)) map.set(name, v);
  }
  const state: Substate = raw === 'active' || raw === 'terminated' ? raw : 'pending';
  const expiresS = deltaSeconds(map.get('expires'));
  const retryAfterS = deltaSeconds(map.get('retry-after'));
  const reason = map.get('reason')?.toLowerCase();
  return {
    state,
    raw,
    ...(expiresS !== undefined ? { expiresS } : {}),
    ...(retryAfterS !== undefined ? { retryAfterS } : {}),
    ...(reason ? { reason } : {}),
  };
}
