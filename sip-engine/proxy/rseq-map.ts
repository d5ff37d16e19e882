/**
 * RSeq rewriting for reliable provisional responses relayed by the proxy (RFC 3262 §3, §7.1), as
 * drachtio does (§3.8 of the protocol spec): every reliable 1xx forwarded upstream gets an RSeq from
 * one per-proxy-transaction sequence, and the PRACK that acknowledges it (RAck, RFC 3262 §7.2) is
 * mapped back to the branch and the RSeq that branch's UAS used.
 */

export interface RSeqOrigin<B> {
  branch: B;
  /** The RSeq the downstream UAS put in its response. */
  rseq: number;
}

/** RFC 3262 §3: the initial RSeq is chosen at random below 2**31 - 1; keep room for increments. */
const MAX_INITIAL = 2 ** 31 - 1 - 2 ** 20;

export class RSeqMap<B> {
  #next: number;
  readonly #byUpstream = new Map<number, RSeqOrigin<B>>();
  readonly #byBranch = new Map<B, Map<number, number>>();

  constructor(random: () => number = Math.random) {
    this.#next = 1 + Math.floor(random() * MAX_INITIAL);
  }

  /**
   * The RSeq to use upstream for a reliable 1xx that `branch` sent with `rseq`. A retransmission of
   * the same response (same branch and RSeq, RFC 3262 §3) gets the same upstream value again.
   */
  rewrite(branch: B, rseq: number): number {
    let seen = this.#byBranch.get(branch);
    if (!seen) {
      seen = new Map();
      this.#byBranch.set(branch, seen);
    }
    const known = seen.get(rseq);
    if (known !== undefined) return known;
    const upstream = this.#next++;
    seen.set(rseq, upstream);
    this.#byUpstream.set(upstream, { branch, rseq });
    return upstream;
  }

  /** The branch and original RSeq behind an RSeq we sent upstream (from a PRACK's RAck). */
  lookup(upstreamRSeq: number): RSeqOrigin<B> | undefined {
    return this.#byUpstream.get(upstreamRSeq);
  }

  get size(): number {
    return this.#byUpstream.size;
  }
}
