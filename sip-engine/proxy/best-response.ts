/**
 * Choosing the response a proxy forwards upstream once every branch has finished
 * (RFC 3261 §16.7 step 6). Pure functions, no SIP I/O.
 */

/** 4xx responses that tell the client how to retry, preferred within the 4xx class (RFC 3261 §16.7 step 6). */
const RESUBMISSION_HINTS: ReadonlySet<number> = new Set([401, 407, 415, 420, 484]);

/**
 * Sort key of a final status: lower is better.
 * RFC 3261 §16.7 step 6: any 6xx wins; otherwise the lowest response class (3xx, then 4xx, then
 * 5xx), and within 4xx the responses that affect resubmission (401, 407, 415, 420, 484).
 */
export function responseRank(status: number): number {
  if (status >= 600) return 0;
  if (status >= 300 && status < 400) return 1;
  if (RESUBMISSION_HINTS.has(status)) return 2;
  if (status >= 400 && status < 500) return 3;
  if (status >= 500 && status < 600) return 4;
  return 5;
}

/**
 * The best of the stored final responses, or undefined when there is none (the caller then sends
 * 408, RFC 3261 §16.7 step 6). Ties go to the response received first.
 */
export function selectBestResponse<T extends { status: number }>(candidates: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const c of candidates) {
    if (c.status < 300) continue;
    if (!best || responseRank(c.status) < responseRank(best.status)) best = c;
  }
  return best;
}

/**
 * RFC 3261 §16.7 step 6: a proxy SHOULD NOT forward a 503 upstream (it would mean the proxy itself
 * is unavailable); it sends 500 instead.
 */
export function upstreamStatusFor(status: number): { status: number; reason?: string } {
  return status === 503 ? { status: 500, reason: 'Server Internal Error' } : { status };
}

/** RFC 3261 §16.7 step 5: a 6xx ends the search (the proxy cancels every pending branch). */
export function endsSearch(status: number): boolean {
  return status >= 600;
}
